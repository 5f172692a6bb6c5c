"""The order form's autocomplete answers: customers, items and suppliers, from the cached ERP
lookups (``erp_lookups``), each saying when it was fetched."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from erpclient import errors
from portal.htmx import HtmxHttpRequest
from portal.roles import OPERATE

from . import erp_lookups
from .forms import (
    MAX_LINES,
    PREFIX,
)
from .view_helpers import erp_reading, tenant_or_404

_ITEM_QUERY = re.compile(rf"^{PREFIX}-(\d+)-inventory_id$")
_SUPPLIER_QUERY = re.compile(rf"^{PREFIX}-(\d+)-supplier_id$")


# --- autocomplete -----------------------------------------------------------------------------


@require_GET
@permission_required(OPERATE, raise_exception=True)
def customer_search(request: HtmxHttpRequest, tenant_pk: int) -> HttpResponse:
    tenant = tenant_or_404(tenant_pk)
    query = (request.GET.get("customer_id") or request.GET.get("q") or "").strip()[:60]
    context: dict[str, Any] = {"tenant": tenant, "query": query}
    if len(query) >= erp_lookups.MIN_QUERY:
        try:
            found = erp_lookups.customers(tenant, query)
            context.update(
                rows=found.rows[:20], fetched_at=found.fetched_at, complete=found.complete
            )
        except errors.ErpError as error:
            context["error"] = erp_reading(tenant, error)
    return render(request, "operations/orders/_customers.html", context)


def _line_search(request: HtmxHttpRequest, tenant_pk: int, pattern, search, template: str):
    """A lookup typed into one line's field (the field's name says which line): the ERP's
    matches, cached per tenant (``search``), rendered for that line."""
    tenant = tenant_or_404(tenant_pk)
    index, query = None, ""
    for name, value in request.GET.items():
        match = pattern.match(name)
        if match:
            index, query = int(match.group(1)), value.strip()[:60]
            break
    if index is None or index >= MAX_LINES:
        raise Http404("No such line.")
    context: dict[str, Any] = {"tenant": tenant, "query": query, "index": index}
    if query:
        try:
            rows, known = search(tenant, query)
            context.update(rows=rows[:20], fetched_at=known.fetched_at)
        except errors.ErpError as error:
            context["error"] = erp_reading(tenant, error)
    return render(request, template, context)


@require_GET
@permission_required(OPERATE, raise_exception=True)
def item_search(request: HtmxHttpRequest, tenant_pk: int) -> HttpResponse:
    return _line_search(
        request, tenant_pk, _ITEM_QUERY, erp_lookups.items, "operations/orders/_items.html"
    )


@require_GET
@permission_required(OPERATE, raise_exception=True)
def supplier_search(request: HtmxHttpRequest, tenant_pk: int) -> HttpResponse:
    return _line_search(
        request,
        tenant_pk,
        _SUPPLIER_QUERY,
        erp_lookups.suppliers,
        "operations/orders/_suppliers.html",
    )
