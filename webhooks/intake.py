"""Receiving one inbound request: store → verify → dedupe → commit → answer; processing runs later.

The row is written first, in its own statement, so even a request that later fails any check (or
crashes the check) is on record. Then, in one transaction: the verification, the dedupe claim
and the status; the Celery task (pk only) is queued when that commits, and the sender gets its
2xx. A refusal is stored with the answer it got.

Dedupe: the first *verified* delivery of a (source, key) claims it through a unique index; a
later copy is stored as a duplicate linked to the first and never processed. A rejected delivery
claims nothing, so a forged copy cannot block the real notification.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from portal.request_context import client_ip

from . import keys
from .handlers import Source
from .models import DeliveryStatus, InboundDelivery, Verification
from .verification import SIGNATURE_HEADER, body_sha256, redacted_headers

JSON_TYPES = ("application/json",)


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    message: str
    delivery_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"status": self.message, "delivery": self.delivery_id}


def receive(request: HttpRequest, *, source: Source, endpoint: str, url_token: str = "") -> Answer:
    """Store, verify and dedupe one request; queue its processing on commit."""
    limit = settings.WEBHOOKS_MAX_BODY_BYTES
    length = _content_length(request)
    too_big = length > limit
    body = b"" if too_big else _read_body(request, limit)
    too_big = too_big or len(body) > limit
    delivery = InboundDelivery.objects.create(
        source=source.value,
        endpoint=endpoint,
        remote_ip=client_ip(request),
        headers=redacted_headers(request.headers),
        content_type=request.META.get("CONTENT_TYPE", "")[:200],
        body=b"" if too_big else body,
        body_size=max(length, len(body)),
        body_stored=not too_big,
        body_sha256="" if too_big else body_sha256(body),
        event_type=_header(request, "x-vwd-event-id")[:100],
        erp_tenant_id=_header(request, "x-vwd-tenant-id")[:64],
        subscription_id=_header(request, "x-vwd-subscription-id")[:100],
    )
    if too_big:
        return _refuse(delivery, 413, f"The body is over the limit of {limit:,} bytes.")
    if request.content_type not in JSON_TYPES:
        return _refuse(delivery, 415, "Only application/json is accepted.")
    try:
        return _verify_and_queue(delivery, request, body, source=source, url_token=url_token)
    except Exception as error:
        _refuse(delivery, 500, f"The inbox could not check this delivery: {error!r}"[:300])
        raise


def _verify_and_queue(
    delivery: InboundDelivery, request: HttpRequest, body: bytes, *, source: Source, url_token: str
) -> Answer:
    with transaction.atomic():
        if source is Source.VISMA:
            delivery.verification = Verification.SIGNATURE
            key = keys.signing_key_for(body, _header(request, SIGNATURE_HEADER), delivery)
            delivery.verified = key is not None
            delivery.verification_note = (
                f"Signed with key “{key}”."
                if key
                else "No active signing key matches the signature."
            )
        elif source is Source.STATUSPAGE:
            delivery.verification = Verification.URL_TOKEN
            token = keys.statuspage_token_for(url_token)
            delivery.verified = token is not None
            delivery.verification_note = (
                f"URL token “{token}”." if token else "The URL token is not an active one."
            )
        else:
            # Nothing signs a legacy Background URL callback: its handler GETs the state.
            delivery.verification = Verification.REFETCH
            delivery.verified = None
            delivery.verification_note = "Unsigned; its handler confirms it with a GET."
        if delivery.verified is False:
            # A wrong Statuspage token answers like an unknown URL.
            status = 404 if source is Source.STATUSPAGE else 401
            return _refuse(delivery, status, delivery.verification_note)
        try:
            payload = json.loads(body)
        except (UnicodeDecodeError, ValueError):
            return _refuse(delivery, 400, "The body is not valid JSON.")
        _describe(delivery, source, payload)
        first = _claim(delivery)
        if first is not None:
            delivery.duplicate_of = first
            delivery.status = DeliveryStatus.DUPLICATE
            delivery.outcome = f"A copy of delivery {first.pk}; not processed again."
            delivery.response_status = 200
            delivery.save()
            return Answer(200, "duplicate", delivery.pk)
        delivery.status = DeliveryStatus.QUEUED
        delivery.queued_at = timezone.now()
        delivery.response_status = 202
        delivery.save()
        queue(delivery.pk)
    return Answer(202, "queued", delivery.pk)


def queue(pk: int) -> None:
    """Process delivery ``pk`` in Celery once the current transaction commits."""
    from .tasks import process_delivery

    transaction.on_commit(lambda: process_delivery.delay(pk))


def _claim(delivery: InboundDelivery) -> InboundDelivery | None:
    """Make ``delivery`` the first of its dedupe key; if another is, return that one."""
    if not delivery.dedupe_key:
        return None
    try:
        with transaction.atomic():
            InboundDelivery.objects.filter(pk=delivery.pk).update(
                first_of_key=True, dedupe_key=delivery.dedupe_key
            )
    except IntegrityError:
        return InboundDelivery.objects.get(
            source=delivery.source, dedupe_key=delivery.dedupe_key, first_of_key=True
        )
    delivery.first_of_key = True
    return None


def _describe(delivery: InboundDelivery, source: Source, payload: Any) -> None:
    """Event type, tenant and dedupe key, from the headers or else the payload."""
    data = payload if isinstance(payload, dict) else {}
    if source is Source.VISMA:
        delivery.event_type = delivery.event_type or str(data.get("eventId") or "")[:100]
        delivery.erp_tenant_id = delivery.erp_tenant_id or str(data.get("tenantId") or "")[:64]
        notification = delivery.headers.get("x-vwd-notification-id") or data.get("notificationId")
        delivery.dedupe_key = str(notification or f"sha256:{delivery.body_sha256}")[:200]
    elif source is Source.STATUSPAGE:
        delivery.event_type, key = statuspage_event(data)
        delivery.dedupe_key = (key or f"sha256:{delivery.body_sha256}")[:200]
    else:
        delivery.event_type = "background_response"
        job = data.get("id")
        delivery.dedupe_key = (
            f"{job}:{data.get('statusCode')}" if job else f"sha256:{delivery.body_sha256}"
        )[:200]


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


def _refuse(delivery: InboundDelivery, status: int, message: str) -> Answer:
    delivery.status = DeliveryStatus.REJECTED
    delivery.response_status = status
    delivery.last_error = message[:500]
    if delivery.verified is None and delivery.verification == Verification.NONE:
        delivery.verification_note = "Not checked: refused first."
    delivery.save()
    return Answer(status, message, delivery.pk)


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
