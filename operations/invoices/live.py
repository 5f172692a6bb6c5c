"""An invoice page follows the ERP without polling it.

The page polls ``invoice_changes`` every ``OPERATIONS_INVOICE_POLL_SECONDS``: a portal-only
answer (no ERP call) from the marker an ERP event sets (``changes.py``). Nothing new: 204, and the
page asks again. The invoice changed after the page read it: 286 (the polling stops) with a part
that asks ``invoice_latest`` once. That one reads the invoice (one ERP call), swaps the status and
version the page shows and says when the ERP changed it; any form on the page is left as it is,
with "Load the new version" offered instead. Then the page follows again from that read. After
``OPERATIONS_INVOICE_WATCH_SECONDS`` the page stops following (286) and says so.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseStopPolling

from portal.htmx import HtmxHttpRequest
from portal.roles import VIEW
from tenants.models import Tenant

from ..documents import checked, tenant_and_readiness
from . import changes, rules, selectors

TEMPLATE = "operations/invoices/_live.html"
# Where the page is: the invoice (its status and version are swapped) or the header edit (only
# told, so what the person typed stays).
PLACES = ("detail", "edit")
MAX_SHOWN = 100
MAX_SKEW_SECONDS = 300


class BadWatch(ValueError):
    """The page's watch parameters are not ones a page of the portal sends."""


def _since(value: str | None) -> float:
    try:
        since = float(value or "")
    except ValueError:
        raise BadWatch("since") from None
    # A page read the invoice in the past; a time ahead of the clock (beyond a little skew
    # between hosts) is not one a page sent, and would follow forever.
    if not math.isfinite(since) or since <= 0 or since > time.time() + MAX_SKEW_SECONDS:
        raise BadWatch("since")
    return since


def _watch(request) -> tuple[float, str, str]:
    since = _since(request.GET.get("since"))
    shown = request.GET.get("shown", "")
    place = request.GET.get("on", "")
    if len(shown) > MAX_SHOWN or not shown.isprintable() or place not in PLACES:
        raise BadWatch("shown or on")
    return since, shown, place


def watch_context(tenant, document_type, number, *, since: float, shown: str, place: str) -> dict:
    """What the polling part needs (the pages include ``_live.html#watch`` with it)."""
    return {
        "tenant": tenant,
        "document_type": document_type,
        "number": number,
        "since": f"{since:.6f}",
        "shown": shown,
        "place": place,
        "poll_seconds": settings.OPERATIONS_INVOICE_POLL_SECONDS,
    }


def _stopped(request, message: str) -> HttpResponse:
    html = render_to_string(f"{TEMPLATE}#stopped", {"message": message}, request=request)
    return HttpResponseStopPolling(html)


@require_GET
@never_cache  # the same URL is asked again and again: every answer must come from the portal
@permission_required(VIEW, raise_exception=True)
def invoice_changes(
    request: HtmxHttpRequest, tenant_pk: int, document_type: str, number: str
) -> HttpResponse:
    """Did an ERP event change the invoice since the page read it? Costs no ERP call."""
    tenant = get_object_or_404(Tenant, pk=tenant_pk)
    document_type = checked(document_type, rules.DOCUMENT_TYPES)
    number = checked(number)
    try:
        since, shown, place = _watch(request)
    except BadWatch:
        return _stopped(request, "This page cannot follow this invoice; reload it.")
    watch = settings.OPERATIONS_INVOICE_WATCH_SECONDS
    if time.time() - since > watch:
        minutes = max(1, round(watch / 60))
        return _stopped(
            request,
            f"This page stopped following the invoice in the ERP {minutes} minute"
            f"{'s' if minutes != 1 else ''} after it read it; reload it to see the latest and "
            "follow again.",
        )
    changed = changes.changed_at(tenant, document_type, number)
    if changed is None or changed <= since:
        return HttpResponse(status=204)
    context = watch_context(tenant, document_type, number, since=since, shown=shown, place=place)
    html = render_to_string(f"{TEMPLATE}#reading", context, request=request)
    return HttpResponseStopPolling(html)


@require_GET
@never_cache
@permission_required(VIEW, raise_exception=True)
def invoice_latest(
    request: HtmxHttpRequest, tenant_pk: int, document_type: str, number: str
) -> HttpResponse:
    """Read the invoice once, after an event said it changed; swap what the page shows."""
    tenant, ready = tenant_and_readiness(tenant_pk)
    document_type = checked(document_type, rules.DOCUMENT_TYPES)
    number = checked(number)
    try:
        _, shown, place = _watch(request)
    except BadWatch:
        return _stopped(request, "This page cannot follow this invoice; reload it.")
    if not ready.ready:
        return _stopped(request, f"The invoice cannot be read now: {ready.reason}")
    read = selectors.invoice(tenant, document_type, number)
    invoice = read.result
    new_shown = invoice.etag if invoice is not None else shown
    context = {
        **watch_context(
            tenant,
            document_type,
            number,
            since=read.fetched_at.timestamp(),
            shown=new_shown,
            place=place,
        ),
        "read": read,
        "invoice": invoice,
        "changed": invoice is not None and invoice.etag != shown,
        "changed_at": _changed_at(invoice, tenant, document_type, number),
    }
    return render(request, f"{TEMPLATE}#latest", context)


def _changed_at(invoice, tenant, document_type, number) -> datetime | None:
    """The ERP's own time of the change, else when its event reached the portal."""
    if invoice is not None and invoice.last_modified_date_time:
        return invoice.last_modified_date_time
    marked = changes.changed_at(tenant, document_type, number)
    return datetime.fromtimestamp(marked, UTC) if marked else None
