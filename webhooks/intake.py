"""Receiving one inbound request: store → verify → dedupe → commit → answer; processing runs later.

Nothing acts on a request before it is stored, and every request is stored, refusals included,
with the answer it got. To keep the path to the 2xx short (senders retry slow answers), the row
is written once, by one INSERT that already carries the verification: the keys are read, the
HMAC computed over the raw bytes, then the row is inserted and committed, and only then is a
worker told (handoff.py: announced by a thread of the process, one broker message per burst)
and the sender answered. A check that crashes is caught and stored as a refusal (500); a crash
of the process before the commit leaves no row, and no 2xx either, so the sender delivers again.
The INSERT is Django's, compiled once and bound on the server (portal/row_insert.py), of a row
kept as a plain mapping rather than a model instance, and the inbound URLs skip the browser
middleware (portal/machine.py): the three were half the inbox's CPU.

Dedupe: the first *verified* delivery of a (source, key) is inserted as the key's first, which
a unique index guards; a later copy collides and is stored as a duplicate linked to the first,
never processed. A rejected delivery claims nothing, so a forged copy cannot block the real
notification.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from portal.request_context import client_ip
from portal.row_insert import RowInsert

from . import handoff, keys
from .handlers import Source
from .models import DeliveryStatus, InboundDelivery, Verification
from .verification import SIGNATURE_HEADER, body_sha256, redacted_headers

Row = dict[str, Any]  # one InboundDelivery row, by column name (what RowInsert takes)

logger = logging.getLogger(__name__)

JSON_TYPES = ("application/json",)


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    message: str
    delivery_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"status": self.message, "delivery": self.delivery_id}


def receive(request: HttpRequest, *, source: Source, endpoint: str, url_token: str = "") -> Answer:
    """Verify, dedupe and store one request; queue its processing once stored."""
    limit = settings.WEBHOOKS_MAX_BODY_BYTES
    length = _content_length(request)
    too_big = length > limit
    body = b"" if too_big else _read_body(request, limit)
    too_big = too_big or len(body) > limit
    delivery: Row = {
        "source": source.value,
        "endpoint": endpoint,
        "received_at": timezone.now(),
        "remote_ip": client_ip(request),
        "headers": redacted_headers(request.headers),
        "content_type": request.META.get("CONTENT_TYPE", "")[:200],
        "body": b"" if too_big else body,
        "body_size": max(length, len(body)),
        "body_stored": not too_big,
        "body_sha256": "" if too_big else body_sha256(body),
        "event_type": _header(request, "x-vwd-event-id")[:100],
        "erp_tenant_id": _header(request, "x-vwd-tenant-id")[:64],
        "subscription_id": _header(request, "x-vwd-subscription-id")[:100],
        "verification": Verification.NONE,
        "verified": None,
    }
    if too_big:
        return _refuse(delivery, 413, f"The body is over the limit of {limit:,} bytes.")
    if request.content_type not in JSON_TYPES:
        return _refuse(delivery, 415, "Only application/json is accepted.")
    try:
        payload = _verify(delivery, request, body, source=source, url_token=url_token)
    except DatabaseError:
        raise
    except Exception as error:  # a check that crashed: stored as a refusal, never lost
        logger.exception("Webhook delivery from %s could not be checked", delivery["remote_ip"])
        return _refuse(delivery, 500, f"The inbox could not check this delivery: {error!r}")
    if delivery["verified"] is False:
        # A wrong Statuspage token answers like an unknown URL.
        return _refuse(
            delivery, 404 if source is Source.STATUSPAGE else 401, delivery["verification_note"]
        )
    if payload is _NOT_JSON:
        return _refuse(delivery, 400, "The body is not valid JSON.")
    _describe(delivery, source, payload)
    return _store_verified(delivery)


_NOT_JSON = object()


def _verify(
    delivery: Row, request: HttpRequest, body: bytes, *, source: Source, url_token: str
) -> Any:
    """Set the delivery's verification; the parsed payload (``_NOT_JSON`` if it is not)."""
    if source is Source.VISMA:
        delivery["verification"] = Verification.SIGNATURE
        key = keys.signing_key_for(
            body, _header(request, SIGNATURE_HEADER), delivery["subscription_id"]
        )
        delivery["verified"] = key is not None
        delivery["verification_note"] = (
            f"Signed with key “{key}”." if key else "No active signing key matches the signature."
        )
    elif source is Source.STATUSPAGE:
        delivery["verification"] = Verification.URL_TOKEN
        token = keys.statuspage_token_for(url_token)
        delivery["verified"] = token is not None
        delivery["verification_note"] = (
            f"URL token “{token}”." if token else "The URL token is not an active one."
        )
    else:
        # Nothing signs a legacy Background URL callback: its handler GETs the state.
        delivery["verification"] = Verification.REFETCH
        delivery["verified"] = None
        delivery["verification_note"] = "Unsigned; its handler confirms it with a GET."
    if delivery["verified"] is False:
        return None
    try:
        return json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return _NOT_JSON


def _store_verified(delivery: Row) -> Answer:
    delivery["status"] = DeliveryStatus.QUEUED
    delivery["response_status"] = 202
    delivery["first_of_key"] = bool(delivery["dedupe_key"])
    try:
        pk = _insert(delivery)
    except IntegrityError:
        first = (
            InboundDelivery.objects.filter(
                source=delivery["source"], dedupe_key=delivery["dedupe_key"], first_of_key=True
            )
            .values_list("pk", flat=True)
            .get()
        )
        delivery["first_of_key"] = False
        delivery["duplicate_of_id"] = first
        delivery["status"] = DeliveryStatus.DUPLICATE
        delivery["outcome"] = f"A copy of delivery {first}; not processed again."
        delivery["response_status"] = 200
        return Answer(200, "duplicate", _insert(delivery))
    transaction.on_commit(handoff.announce_soon)
    return Answer(202, "queued", pk)


_rows = RowInsert(InboundDelivery)


def _insert(delivery: Row) -> int:
    """One INSERT (committed at once in autocommit; a savepoint inside a caller's transaction,
    so that a dedupe collision does not break it); the new pk. RowInsert: compiled once, bound
    on the server, the hot path's largest cost otherwise."""
    if transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            return _rows.insert(delivery)
    return _rows.insert(delivery)


def queue(pk: int) -> None:
    """Process delivery ``pk`` in Celery once the current transaction commits (reprocessing and
    the stale sweep: one delivery at a time, so no hand-over round is needed). If the broker
    cannot take it, the delivery stays queued and ``webhooks.requeue_stale`` sends it again: the
    sender has its answer either way, since the delivery is stored."""
    from .tasks import process_delivery

    def send() -> None:
        try:
            process_delivery.delay(pk)
        except Exception:
            logger.exception("Delivery %s stored but not handed to Celery; it is retried later", pk)

    transaction.on_commit(send)


def _describe(delivery: Row, source: Source, payload: Any) -> None:
    """Event type, tenant and dedupe key, from the headers or else the payload."""
    data = payload if isinstance(payload, dict) else {}
    by_hash = f"sha256:{delivery['body_sha256']}"
    if source is Source.VISMA:
        delivery["event_type"] = delivery["event_type"] or str(data.get("eventId") or "")[:100]
        delivery["erp_tenant_id"] = (
            delivery["erp_tenant_id"] or str(data.get("tenantId") or "")[:64]
        )
        notification = delivery["headers"].get("x-vwd-notification-id") or data.get(
            "notificationId"
        )
        delivery["dedupe_key"] = str(notification or by_hash)[:200]
    elif source is Source.STATUSPAGE:
        delivery["event_type"], key = statuspage_event(data)
        delivery["dedupe_key"] = (key or by_hash)[:200]
    else:
        delivery["event_type"] = "background_response"
        job = data.get("id")
        delivery["dedupe_key"] = (f"{job}:{data.get('statusCode')}" if job else by_hash)[:200]


def statuspage_event(data: dict) -> tuple[str, str]:
    """Statuspage sends no type (operations-facts §2): the top-level keys tell. A maintenance is
    an incident with a schedule. The key is the update's id (one per status change)."""
    if isinstance(data.get("component_update"), dict):
        return "component_update", f"component_update:{data['component_update'].get('id', '')}"
    incident = data.get("incident")
    if isinstance(incident, dict):
        kind = "maintenance" if incident.get("scheduled_for") else "incident"
        updates = incident.get("incident_updates") or []
        latest = updates[0].get("id") if updates and isinstance(updates[0], dict) else None
        update_key = latest or incident.get("updated_at") or ""
        return kind, f"{kind}:{incident.get('id', '')}:{update_key}"
    return "unknown", ""


def _refuse(delivery: Row, status: int, message: str) -> Answer:
    delivery["status"] = DeliveryStatus.REJECTED
    delivery["response_status"] = status
    delivery["last_error"] = message[:500]
    delivery["first_of_key"] = False
    if delivery["verified"] is None and delivery["verification"] == Verification.NONE:
        delivery["verification_note"] = "Not checked: refused first."
    return Answer(status, message, _insert(delivery))


def _content_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def _read_body(request: HttpRequest, limit: int) -> bytes:
    try:
        return request.body
    except Exception:  # a stream a middleware already consumed (a form post), or too large
        return b""


def _header(request: HttpRequest, name: str) -> str:
    return request.headers.get(name, "")
