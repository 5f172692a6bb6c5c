"""What the webhook inbox hands to background jobs, and what an ERP event on a document means
for the jobs on it.

- ``BACKGROUND_API_RESPONSE`` (the Visma Webhook Dispatcher; the inbox verified its signature):
  matched to the job by our correlation header, it finishes the job with its status code.
- Legacy URL-mode callbacks (unsigned): only a trigger; the job's next step GETs the state.
- A ``stateLocation`` is followed only on the configured ERP host; another host is recorded on
  the job's timeline and refused.
- The refreshers bring an open job's next step forward when its document changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from webhooks.handlers import Event, Source, register

from ..refresh import Kind, refresher
from . import notifications, services
from .actions import CORRELATION_HEADER
from .models import BackgroundJob, JobOutcome

EVENT_TYPE = "BACKGROUND_API_RESPONSE"


def _field(payload: Any, *names: str) -> Any:
    if not isinstance(payload, Mapping):
        return None
    for name in names:
        if payload.get(name) not in (None, ""):
            return payload[name]
    return None


def _status_code(payload: Any) -> int | None:
    value = _field(payload, "statusCode", "StatusCode")
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _handle(event: Event, *, trusted: bool) -> str:
    payload = event.payload
    return notifications.job_notified(
        correlation_id=event.headers.get(CORRELATION_HEADER),
        request_id=_field(payload, "id", "Id"),
        state_location=_field(payload, "stateLocation", "StateLocation", "resourceUri"),
        status_code=_status_code(payload),
        trusted=trusted,
        via=f"{event.source} delivery {event.delivery_id}",
        erp_tenant_id=event.erp_tenant_id,
    )


@register(Source.VISMA, EVENT_TYPE)
def on_background_response(event: Event) -> str:
    return _handle(event, trusted=True)


@register(Source.BACKGROUND_URL)
def on_background_url_callback(event: Event) -> str:
    # Nothing signs the legacy callback: it is a hint, confirmed by a GET of the state.
    return _handle(event, trusted=False)


def _advance_open_jobs(tenant, kind: Kind, document_id: str) -> int:
    document_type, _, number = str(document_id).rpartition("/")
    jobs = BackgroundJob.objects.filter(
        tenant=tenant, document_kind=kind, document_number=number, outcome=JobOutcome.PENDING
    )
    if document_type:
        jobs = jobs.filter(document_type__in=[document_type, ""])
    return sum(services.job_reschedule(pk) for pk in jobs.values_list("pk", flat=True))


@refresher(Kind.SUPPLIER_INVOICE)
def refresh_supplier_invoice(tenant, document_id: str) -> None:
    """The invoice changed in the ERP: its open jobs read it now (the invoice pages read the
    ERP on every view, so there is no copy of it to refresh)."""
    _advance_open_jobs(tenant, Kind.SUPPLIER_INVOICE, document_id)


@refresher(Kind.SUPPLIER_PAYMENT)
def refresh_supplier_payment(tenant, document_id: str) -> None:
    _advance_open_jobs(tenant, Kind.SUPPLIER_PAYMENT, document_id)
