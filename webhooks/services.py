"""Writes of the inbox: processing a delivery, reprocessing, keys and tokens, retention, silence.

Processing never holds a transaction across the handler (a handler may call the ERP): the claim
(status processing, one more attempt) commits first, the handler runs, and its result is written
in a second transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import traceback
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from portal import audit

from .handlers import Event, Ignore, Source, handler_for
from .intake import queue
from .keys import forget_keys
from .models import (
    REPROCESSABLE,
    SOURCE_CHOICES,
    DeliveryStatus,
    InboundDelivery,
    SigningKey,
    SilenceAlarm,
    StatuspageToken,
    Subscription,
)
from .verification import new_url_token, redacted_headers, token_sha256

logger = logging.getLogger(__name__)

MAX_ERROR = 500


def delivery_process(*, pk: int) -> DeliveryStatus | None:
    """Hand a queued delivery to its handler; None if it was not queued (already taken)."""
    with transaction.atomic():
        delivery = InboundDelivery.objects.select_for_update().filter(pk=pk).first()
        if delivery is None or delivery.status != DeliveryStatus.QUEUED:
            return None
        delivery.status = DeliveryStatus.PROCESSING
        delivery.attempts += 1
        delivery.started_at = timezone.now()
        delivery.save(update_fields=["status", "attempts", "started_at"])

    handler = handler_for(Source(delivery.source), delivery.event_type)
    outcome, error, trace = "", "", ""
    if handler is None:
        status = DeliveryStatus.UNHANDLED
        outcome = f"No handler is registered for {delivery.source} “{delivery.event_type}”."
    else:
        try:
            result = handler(_event(delivery))
        except Ignore as reason:
            status, outcome = DeliveryStatus.IGNORED, str(reason)
        except Exception as failure:
            status = DeliveryStatus.FAILED
            error = f"{type(failure).__name__}: {failure}"
            trace = traceback.format_exc()
            logger.warning("Webhook delivery %s failed: %s", pk, error)
        else:
            status, outcome = DeliveryStatus.PROCESSED, str(result or "Done.")

    InboundDelivery.objects.filter(pk=pk).update(
        status=status,
        outcome=outcome[:MAX_ERROR],
        last_error=error[:MAX_ERROR],
        traceback=trace,
        processed_at=timezone.now(),
    )
    return status


def _event(delivery: InboundDelivery) -> Event:
    return Event(
        delivery_id=delivery.pk,
        source=Source(delivery.source),
        event_type=delivery.event_type,
        erp_tenant_id=delivery.erp_tenant_id,
        notification_id=delivery.dedupe_key,
        headers=redacted_headers(delivery.headers),
        payload=json.loads(bytes(delivery.body)),
        verified=delivery.verified,
    )


def delivery_reprocess(*, actor, delivery: InboundDelivery) -> None:
    """Queue a failed (or unhandled, ignored, processed) delivery for processing again."""
    with transaction.atomic():
        locked = InboundDelivery.objects.select_for_update().get(pk=delivery.pk)
        if locked.status not in REPROCESSABLE:
            raise ValidationError(
                f"Delivery {locked.pk} is {locked.get_status_display().lower()}: only a "
                "processed, failed, ignored or unhandled delivery can be processed again."
            )
        before = locked.status
        _requeue(locked)
        audit.record(
            actor=actor,
            action="webhooks.delivery_reprocess",
            target=locked,
            details={"status_before": before},
        )


@dataclass(frozen=True)
class RangeResult:
    queued: int
    more: bool


def deliveries_reprocess_range(
    *,
    actor,
    source: str,
    start: dt.datetime,
    end: dt.datetime,
    statuses: list[str],
) -> RangeResult:
    """Queue every delivery of ``source`` received in [start, end) whose status is one of
    ``statuses`` (reprocessable ones only), oldest first, at most WEBHOOKS_REPROCESS_MAX."""
    allowed = [status for status in statuses if status in REPROCESSABLE]
    if not allowed:
        raise ValidationError("Choose at least one status that can be processed again.")
    if end <= start:
        raise ValidationError("The end of the range must come after its start.")
    limit = settings.WEBHOOKS_REPROCESS_MAX
    with transaction.atomic():
        rows = list(
            InboundDelivery.objects.select_for_update(skip_locked=True)
            .filter(source=source, received_at__gte=start, received_at__lt=end, status__in=allowed)
            .order_by("received_at", "pk")[: limit + 1]
        )
        for delivery in rows[:limit]:
            _requeue(delivery)
        audit.record(
            actor=actor,
            action="webhooks.deliveries_reprocess_range",
            target_type="webhooks.inbounddelivery",
            # The range itself is in the details, shown in each reader's zone.
            target_label=f"{dict(SOURCE_CHOICES).get(source, source)} deliveries",
            details={
                "source": source,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "statuses": allowed,
                "queued": min(len(rows), limit),
            },
        )
    return RangeResult(queued=min(len(rows), limit), more=len(rows) > limit)


def _requeue(delivery: InboundDelivery) -> None:
    delivery.status = DeliveryStatus.QUEUED
    delivery.queued_at = timezone.now()
    delivery.last_error = ""
    delivery.traceback = ""
    delivery.outcome = ""
    delivery.save(update_fields=["status", "queued_at", "last_error", "traceback", "outcome"])
    queue(delivery.pk)


# --- signing keys and Statuspage tokens ----------------------------------------------------------


def subscription_create(*, actor, name: str, dispatcher_id: str = "") -> Subscription:
    name, dispatcher_id = name.strip(), dispatcher_id.strip()
    if Subscription.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": "A subscription of that name exists already."})
    # One dispatcher id names one subscription: its keys are the ones tried first.
    taken = dispatcher_id and Subscription.objects.filter(dispatcher_id=dispatcher_id).first()
    if taken:
        raise ValidationError(
            {"dispatcher_id": f"The subscription “{taken.name}” has this dispatcher id already."}
        )
    try:
        with transaction.atomic():
            subscription = Subscription.objects.create(name=name, dispatcher_id=dispatcher_id)
            audit.record(actor=actor, action="webhooks.subscription_create", target=subscription)
    except IntegrityError as error:  # added by someone else at the same moment
        raise ValidationError(
            "A subscription with this name or dispatcher id was just added. Nothing was added."
        ) from error
    return subscription


def signing_key_add(*, actor, subscription: Subscription, label: str, key: str) -> SigningKey:
    """A new active key; the others stay active until retired (rotation without a gap)."""
    key = key.strip()
    if len(key) < 16:
        raise ValidationError({"key": "A signature key is at least 16 characters long."})
    with transaction.atomic():
        signing_key = SigningKey.objects.create(
            subscription=subscription,
            label=label.strip(),
            secret=key,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        audit.record(
            actor=actor,
            action="webhooks.signing_key_add",
            target=signing_key,
            details={"subscription": subscription.name},
        )
    return signing_key


def signing_key_retire(*, actor, signing_key: SigningKey) -> None:
    with transaction.atomic():
        SigningKey.objects.filter(pk=signing_key.pk).update(active=False, retired_at=timezone.now())
        audit.record(actor=actor, action="webhooks.signing_key_retire", target=signing_key)
    # Forgotten at once in this process (a rollback only costs a read); others within
    # WEBHOOKS_KEY_CACHE_SECONDS.
    forget_keys()


def statuspage_token_create(*, actor, label: str) -> tuple[StatuspageToken, str]:
    """A new URL token; the plaintext is returned once, to show once, and never stored."""
    plaintext = new_url_token()
    with transaction.atomic():
        token = StatuspageToken.objects.create(
            label=label.strip(), token_sha256=token_sha256(plaintext)
        )
        audit.record(actor=actor, action="webhooks.statuspage_url_create", target=token)
    return token, plaintext


def statuspage_token_retire(*, actor, token: StatuspageToken) -> None:
    with transaction.atomic():
        StatuspageToken.objects.filter(pk=token.pk).update(active=False, retired_at=timezone.now())
        audit.record(actor=actor, action="webhooks.statuspage_url_retire", target=token)


# --- retention, lost tasks and the silence alarm -----------------------------------------------


def deliveries_requeue_stale(*, now: dt.datetime | None = None) -> int:
    """Queue again the deliveries queued longer than WEBHOOKS_REQUEUE_AFTER_SECONDS ago whose
    task never ran (the broker was down, or lost it), and those stored that long ago that no
    hand-over took (handoff.py). Processing takes only queued ones, so a task that was merely
    slow runs once."""
    cutoff = (now or timezone.now()) - dt.timedelta(seconds=settings.WEBHOOKS_REQUEUE_AFTER_SECONDS)
    lost = Q(queued_at__lt=cutoff) | Q(queued_at__isnull=True, received_at__lt=cutoff)
    pks = list(
        InboundDelivery.objects.filter(lost, status=DeliveryStatus.QUEUED)
        .order_by("received_at")
        .values_list("pk", flat=True)[: settings.WEBHOOKS_REPROCESS_MAX]
    )
    with transaction.atomic():
        InboundDelivery.objects.filter(pk__in=pks).update(queued_at=timezone.now())
        for pk in pks:
            queue(pk)
    return len(pks)


def deliveries_prune(*, now: dt.datetime | None = None) -> int:
    """Delete deliveries older than WEBHOOKS_RETENTION_DAYS (their duplicates with them)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.WEBHOOKS_RETENTION_DAYS)
    deleted, _ = InboundDelivery.objects.filter(received_at__lt=cutoff).delete()
    return deleted


@dataclass(frozen=True)
class SourceSilence:
    source: str
    threshold_seconds: int
    last_delivery_at: dt.datetime | None
    recent_deliveries: int
    silent: bool

    def silent_seconds(self, now: dt.datetime) -> float | None:
        if self.last_delivery_at is None:
            return None
        return max((now - self.last_delivery_at).total_seconds(), 0.0)


def silence_survey(*, now: dt.datetime | None = None) -> list[SourceSilence]:
    """Per source: its newest verified delivery, how many it had lately, and whether it is
    silent (it normally speaks and has said nothing for longer than its threshold)."""
    now = now or timezone.now()
    since = now - dt.timedelta(hours=settings.WEBHOOKS_SILENCE_LOOKBACK_HOURS)
    trusted = ~Q(status=DeliveryStatus.REJECTED) & ~Q(verified=False)
    rows = {
        row["source"]: row
        for row in InboundDelivery.objects.filter(trusted)
        .values("source")
        .annotate(
            last=Max("received_at"),
            recent=Count("pk", filter=Q(received_at__gte=since)),
        )
    }
    survey = []
    for source in Source:
        threshold = int(settings.WEBHOOKS_SILENCE_SECONDS.get(source.value) or 0)
        row = rows.get(source.value, {})
        last, recent = row.get("last"), row.get("recent", 0)
        speaks = recent >= settings.WEBHOOKS_SILENCE_MIN_DELIVERIES
        silent = bool(threshold and speaks and last and (now - last).total_seconds() > threshold)
        survey.append(SourceSilence(source.value, threshold, last, recent, silent))
    return survey


def silence_check(*, now: dt.datetime | None = None) -> list[SilenceAlarm]:
    """Open an alarm for each source gone silent, resolve those that spoke again; the open
    alarms afterwards."""
    now = now or timezone.now()
    for entry in silence_survey(now=now):
        with transaction.atomic():
            open_alarm = (
                SilenceAlarm.objects.select_for_update()
                .filter(source=entry.source, resolved_at__isnull=True)
                .first()
            )
            if entry.silent and open_alarm is None:
                alarm = SilenceAlarm.objects.create(
                    source=entry.source, opened_at=now, last_delivery_at=entry.last_delivery_at
                )
                audit.record(
                    actor=None,
                    action="webhooks.silence_alarm_open",
                    target=alarm,
                    details={"threshold_seconds": entry.threshold_seconds},
                )
            elif open_alarm is not None and _spoke_again(entry, open_alarm):
                open_alarm.resolved_at = now
                open_alarm.save(update_fields=["resolved_at"])
                audit.record(actor=None, action="webhooks.silence_alarm_resolve", target=open_alarm)
    return list(SilenceAlarm.objects.filter(resolved_at__isnull=True))


def _spoke_again(entry: SourceSilence, alarm: SilenceAlarm) -> bool:
    """An alarm ends when the source delivers again (or its threshold is turned off), not when
    its quiet spell outlasts the look-back window and it no longer counts as one that speaks."""
    if not entry.threshold_seconds:
        return True
    if entry.last_delivery_at is None:
        return False
    return alarm.last_delivery_at is None or entry.last_delivery_at > alarm.last_delivery_at
