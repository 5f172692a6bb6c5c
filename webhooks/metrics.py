"""The inbox's figures for /metrics (usage's collector calls this through USAGE_METRICS_EXTRA)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from .models import DeliveryStatus, InboundDelivery, SilenceAlarm
from .services import silence_survey


def silence() -> Iterator[GaugeMetricFamily]:
    """Per source: seconds since its newest verified delivery, and whether its silence alarm is
    open (every source listed, so an alert can compare against zero)."""
    now = timezone.now()
    since = GaugeMetricFamily(
        "portal_webhooks_seconds_since_last_delivery",
        "Seconds since the newest verified webhook delivery of each source.",
        labels=["source"],
    )
    alarm = GaugeMetricFamily(
        "portal_webhooks_source_silent",
        "1 while a webhook source that normally speaks has been silent too long.",
        labels=["source"],
    )
    open_alarms = set(
        SilenceAlarm.objects.filter(resolved_at__isnull=True).values_list("source", flat=True)
    )
    for entry in silence_survey(now=now):
        seconds = entry.silent_seconds(now)
        if seconds is not None:
            since.add_metric([entry.source], seconds)
        alarm.add_metric([entry.source], 1 if entry.source in open_alarms else 0)
    yield since
    yield alarm


def backlog() -> Iterator[GaugeMetricFamily]:
    """Deliveries stored and waiting for a worker, and how long the oldest one not handed over
    yet has waited: a stuck hand-over (broker or cache down, no worker on the webhooks queue)
    shows here long before the stale sweep acts."""
    queued = InboundDelivery.objects.filter(status=DeliveryStatus.QUEUED)
    waiting = GaugeMetricFamily(
        "portal_webhooks_deliveries_queued",
        "Verified webhook deliveries stored and not processed yet.",
    )
    waiting.add_metric([], queued.count())
    oldest = queued.filter(queued_at__isnull=True).aggregate(oldest=Min("received_at"))["oldest"]
    age = GaugeMetricFamily(
        "portal_webhooks_oldest_not_handed_over_seconds",
        "Seconds the oldest stored delivery has waited to be handed to Celery (0: none waits).",
    )
    age.add_metric([], (timezone.now() - oldest).total_seconds() if oldest else 0.0)
    yield waiting
    yield age
