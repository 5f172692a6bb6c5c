"""ERP events: each is a trigger for a GET (operations-facts C8), coalesced per document.

The inbox hands each verified dispatcher event to ``on_document_event`` (registered below). It
finds the portal's tenant, marks the document's ``DocumentRefresh`` pending and, if it was not
pending already, queues one ``operations.refresh_document`` task a moment later. However many
events arrive on one document before that task starts, they cost one refresh: the refreshers
registered in ``operations/refresh.py`` for the document's kind, each making its GET in the
background lane. Events that arrive while a refresh runs queue one more after it, so the last
change is never missed.

Lookup caches (customers, suppliers, items) are dropped at once: that costs no ERP call.

When a refresh fails, the ERP is told through ``POST /v1/webhooknotificationfeedback`` for the
newest waiting notification, in words the customer reads in Visma.net (operations-facts C11).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from erpclient import ErpError, Priority
from tenants.erp import erp_for
from tenants.models import Tenant
from tenants.validators import is_tenant_id, normalize_tenant_id
from usage import conf as usage_conf
from usage.deferral import BACKGROUND_CLIENT_OPTIONS, DEFERRED_ERRORS, countdown_for
from webhooks.handlers import Event, Ignore, Source, register

from . import lookups
from .refresh import Kind, refreshers_for
from .webhook_models import DocumentRefresh

logger = logging.getLogger(__name__)

# Event ids (X-VWD-Event-Id) → the kind of document they name (operations-facts C9, C10; the
# Financials publisher's legacy snake-case names, as docs/sandbox.md explains).
DOCUMENT_EVENTS: dict[str, Kind] = {
    "apinvoice_statuschanged": Kind.SUPPLIER_INVOICE,
    "SALESORDER_CREATED": Kind.SALES_ORDER,
    "SALESORDER_UPDATED": Kind.SALES_ORDER,
    "SALESORDER_DELETED": Kind.SALES_ORDER,
    "customer_changed": Kind.CUSTOMER,
    "customer_created": Kind.CUSTOMER,
    "customer_updated": Kind.CUSTOMER,
    "supplier_changed": Kind.SUPPLIER,
    "supplier_created": Kind.SUPPLIER,
    "supplier_updated": Kind.SUPPLIER,
    "inventoryitem_changed": Kind.INVENTORY_ITEM,
    "inventoryitem_created": Kind.INVENTORY_ITEM,
    "inventoryitem_updated": Kind.INVENTORY_ITEM,
}
# The lookup caches each kind feeds (their names live in operations/lookups.py).
LOOKUP_KINDS: dict[Kind, tuple[str, ...]] = {
    Kind.CUSTOMER: (lookups.CUSTOMERS,),
    Kind.SUPPLIER: (lookups.SUPPLIERS,),
    Kind.INVENTORY_ITEM: (lookups.ITEMS,),
}
LABELS = {
    Kind.SUPPLIER_INVOICE: "supplier invoice",
    Kind.SUPPLIER_PAYMENT: "supplier payment",
    Kind.SALES_ORDER: "sales order",
    Kind.CUSTOMER: "customer",
    Kind.SUPPLIER: "supplier",
    Kind.INVENTORY_ITEM: "inventory item",
}
# Notifications kept per pending refresh for feedback (only the newest is answered).
MAX_WAITING = 20


def tenant_for(event: Event) -> Tenant:
    """The portal's tenant the event names, else ``Ignore`` (no ERP call for a stranger)."""
    if not is_tenant_id(event.erp_tenant_id):
        raise Ignore(f"The event names no valid tenant id ({event.erp_tenant_id or 'none'}).")
    tenants = Tenant.objects.select_related("api_client").filter(
        tenant_id=normalize_tenant_id(event.erp_tenant_id)
    )
    subscriber = event.headers.get("x-vwd-application-id", "")
    chosen = sorted(
        tenants, key=lambda t: (t.api_client.client_id != subscriber, not t.is_checkable)
    )
    if not chosen:
        raise Ignore(f"No tenant of the portal has tenant id {event.erp_tenant_id}.")
    return chosen[0]


def document_of(event: Event) -> str:
    payload = event.payload if isinstance(event.payload, dict) else {}
    document = str(payload.get("entityId") or "").strip()
    if not document:
        uri = str(payload.get("resourceUri") or "")
        document = uri.rstrip("/").rsplit("/", 1)[-1] if uri else ""
    if not document:
        raise Ignore("The event names no document (no entityId or resourceUri).")
    return document[:100]


@register(Source.VISMA, "*")
def on_erp_event(event: Event) -> str:
    """The dispatcher's fallback: document events refresh; action events run automation;
    anything else is ignored with its name."""
    from . import automation

    if event.event_type in DOCUMENT_EVENTS:
        return on_document_event(event)
    if automation.is_action_event(event.event_type):
        return automation.on_action_event(event)
    raise Ignore(f"The portal does not use the event {event.event_type or '(none)'}.")


def on_document_event(event: Event) -> str:
    kind = DOCUMENT_EVENTS[event.event_type]
    tenant = tenant_for(event)
    document = document_of(event)
    for lookup in LOOKUP_KINDS.get(kind, ()):
        lookups.forget(tenant, lookup)
    queued = request_refresh(
        tenant=tenant, kind=kind, document_id=document, notification_id=event.notification_id
    )
    label = f"{LABELS[kind]} {document} of {tenant.display_name}"
    if queued:
        return f"Refresh of {label} queued."
    return f"Joined the refresh of {label} already queued."


def request_refresh(*, tenant: Tenant, kind: Kind, document_id: str, notification_id: str) -> bool:
    """Mark the document pending; True if this call queued the refresh (it was not pending)."""
    now = timezone.now()
    with transaction.atomic():
        row, _ = DocumentRefresh.objects.select_for_update().get_or_create(
            tenant=tenant, kind=kind.value, document_id=document_id
        )
        queued = not row.pending
        waiting = [*row.waiting_notifications, notification_id][-MAX_WAITING:]
        DocumentRefresh.objects.filter(pk=row.pk).update(
            pending=True, requested_at=now, events=F("events") + 1, waiting_notifications=waiting
        )
        if queued:
            pk = row.pk
            transaction.on_commit(
                lambda: refresh_document.apply_async(
                    (pk,), countdown=settings.OPERATIONS_EVENT_COALESCE_SECONDS
                )
            )
    return queued


@dataclass(frozen=True)
class Claimed:
    row: DocumentRefresh
    waiting: list[str]


def _claim(pk: int) -> Claimed | None:
    with transaction.atomic():
        row = (
            DocumentRefresh.objects.select_for_update()
            .select_related("tenant", "tenant__api_client")
            .filter(pk=pk, pending=True)
            .first()
        )
        if row is None:
            return None
        waiting = list(row.waiting_notifications)
        row.pending = False
        row.waiting_notifications = []
        row.started_at = timezone.now()
        row.save(update_fields=["pending", "waiting_notifications", "started_at"])
    return Claimed(row, waiting)


def _release(pk: int, waiting: list[str]) -> None:
    """Put a deferred refresh back as pending (its waiting notifications with it)."""
    with transaction.atomic():
        row = DocumentRefresh.objects.select_for_update().get(pk=pk)
        row.pending = True
        row.waiting_notifications = [*waiting, *row.waiting_notifications][-MAX_WAITING:]
        row.save(update_fields=["pending", "waiting_notifications"])


@shared_task(name="operations.refresh_document", bind=True, ignore_result=True)
def refresh_document(self, pk: int) -> str:
    """One refresh of one document, however many events asked for it."""
    claimed = _claim(pk)
    if claimed is None:
        return "nothing pending"
    row = claimed.row
    kind = Kind(row.kind)
    error = ""
    try:
        for refresher in refreshers_for(kind):
            refresher(row.tenant, row.document_id)
    except DEFERRED_ERRORS as held:
        # The budget holds background work: go back to the broker, pending again, no sleep.
        _release(pk, claimed.waiting)
        raise self.retry(
            countdown=countdown_for(held), max_retries=usage_conf.get("USAGE_MAX_DEFERRALS")
        ) from held
    except Exception as failure:  # a refresher's failure is recorded and told to the ERP
        error = f"{type(failure).__name__}: {failure}"[:500]
        logger.warning("Refresh of %s %s failed: %s", row.kind, row.document_id, error)
    DocumentRefresh.objects.filter(pk=pk).update(
        finished_at=timezone.now(), refreshes=F("refreshes") + 1, last_error=error
    )
    if error and claimed.waiting:
        send_feedback(row, claimed.waiting, error)
    return error or "refreshed"


def send_feedback(row: DocumentRefresh, waiting: list[str], error: str) -> None:
    """Tell the ERP, for the newest waiting notification, that the portal could not act on it."""
    notification_id = waiting[-1]
    others = len(waiting) - 1
    more = f" (and {others} earlier notification{'s' if others != 1 else ''})" if others else ""
    description = (
        f"The ISV portal could not read {LABELS[Kind(row.kind)]} {row.document_id} after this "
        f"notification{more}: {error}. It will be read again on the next change."
    )
    try:
        with erp_for(
            row.tenant, priority=Priority.BACKGROUND, **BACKGROUND_CLIENT_OPTIONS
        ) as client:
            client.webhook_feedback.post(notification_id, is_success=False, description=description)
    except ErpError as failure:
        logger.warning("Feedback for notification %s not sent: %s", notification_id, failure)
