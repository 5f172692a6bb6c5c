"""Sales order pages to read: the list across tenants (and the tenant picker), a tenant's
orders, the ERP's own order list, one order with what the ERP has now, and checking an order
whose create went unanswered. The form is in ``form_views``, its lookups in ``lookup_views``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from portal.htmx import HtmxHttpRequest, page_or_partial, query_without
from portal.roles import OPERATE, VIEW

from ..access import Capability, readiness
from ..selectors import operable_tenants
from . import selectors, services
from .filters import ErpOrderFilter, OrderFilter, page_number
from .forms import (
    SOURCE_LABELS,
)
from .models import Outcome, PortalOrder
from .problems import place
from .view_helpers import can_operate, erp_reading, tenant_or_404

PAGE_SIZE = 25


# --- lists ----------------------------------------------------------------------------------


@require_GET
@permission_required(VIEW, raise_exception=True)
def orders(request: HtmxHttpRequest) -> HttpResponse:
    """Orders the portal created, across tenants, and the tenants an order can be made for."""
    form = OrderFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(
        selectors.portal_orders(
            query=filters.get("q", ""),
            outcome=filters.get("outcome", ""),
            order_type=filters.get("order_type", ""),
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    picks = [readiness(t, Capability.SALES_ORDERS) for t in operable_tenants()]
    context = {
        "form": form,
        "page": page,
        "picks": picks,
        "can_operate": can_operate(request),
        "query": query_without(request, "page"),
    }
    return render(
        request, page_or_partial(request, "operations/orders/list.html", "orders"), context
    )


@require_GET
@permission_required(VIEW, raise_exception=True)
def tenant_orders(request: HtmxHttpRequest, tenant_pk: int) -> HttpResponse:
    tenant = tenant_or_404(tenant_pk)
    form = OrderFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(
        selectors.portal_orders(
            tenant=tenant,
            query=filters.get("q", ""),
            outcome=filters.get("outcome", ""),
            order_type=filters.get("order_type", ""),
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    context = {
        "tenant": tenant,
        "ready": readiness(tenant, Capability.SALES_ORDERS),
        "form": form,
        "page": page,
        "can_operate": can_operate(request),
        "query": query_without(request, "page"),
    }
    return render(
        request, page_or_partial(request, "operations/orders/tenant.html", "orders"), context
    )


@require_GET
@permission_required(VIEW, raise_exception=True)
def erp_list(request: HtmxHttpRequest, tenant_pk: int) -> HttpResponse:
    """The company's orders as the ERP lists them, a page at a time (read-only)."""
    tenant = tenant_or_404(tenant_pk)
    ready = readiness(tenant, Capability.SALES_ORDERS)
    form = ErpOrderFilter(request.GET or None)
    result = None
    if ready.ready and (not form.is_bound or form.is_valid()):
        filters = form.cleaned_data if form.is_bound else {}
        since = filters.get("modified_since")
        result = selectors.erp_orders(
            tenant,
            page_number=page_number(request.GET.get("page")),
            status=filters.get("status") or None,
            customer_id=filters.get("customer") or None,
            modified_since=datetime.combine(since, time.min, tzinfo=UTC) if since else None,
        )
    context = {
        "tenant": tenant,
        "ready": ready,
        "form": form,
        "result": result,
        "error": erp_reading(tenant, result.error) if result and result.error else None,
        "query": query_without(request, "page"),
    }
    return render(
        request, page_or_partial(request, "operations/orders/erp_list.html", "results"), context
    )


@require_GET
@permission_required(VIEW, raise_exception=True)
def detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One order the portal sent: its outcome, and the order as the ERP has it now."""
    order = get_object_or_404(PortalOrder.objects.select_related("tenant", "created_by"), pk=pk)
    tenant = order.tenant
    erp = None
    if order.outcome == Outcome.CREATED and order.erp_order_id:
        erp = selectors.erp_order(tenant, order.order_type, order.erp_order_id)
    placed = place(order.error_codes) if order.error_codes else None
    context = {
        "order": order,
        "tenant": tenant,
        "erp": erp,
        "error": erp_reading(tenant, erp.error) if erp and erp.error else None,
        "placed": placed,
        "command_json": json.dumps(order.command, indent=2, ensure_ascii=False),
        "can_operate": can_operate(request),
        "source_labels": SOURCE_LABELS,
        "unknown": order.outcome == Outcome.UNKNOWN or order.is_stale_pending(),
    }
    return render(request, "operations/orders/detail.html", context)


@require_POST
@permission_required(OPERATE, raise_exception=True)
def check(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Ask the ERP whether an order whose create went unanswered exists."""
    order = get_object_or_404(PortalOrder.objects.select_related("tenant"), pk=pk)
    try:
        services.order_settle(actor=request.user, order=order)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Checked in the ERP: {order.get_outcome_display().lower()}.")
    url = reverse("operations:order_detail", args=[order.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
