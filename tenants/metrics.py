"""Health issues for /metrics (usage's collector calls this through USAGE_METRICS_EXTRA)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from .catalogue import IssueKind
from .models import HealthIssue, IssueStatus


def open_issues() -> Iterator[GaugeMetricFamily]:
    """Open (not muted, not resolved) health issues per kind, every kind listed so alerts can
    compare against zero."""
    counts = dict(
        HealthIssue.objects.filter(status=IssueStatus.OPEN)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    gauge = GaugeMetricFamily(
        "portal_health_issues_open", "Open tenant health issues by kind.", labels=["kind"]
    )
    for kind in IssueKind:
        gauge.add_metric([kind.value], counts.get(kind.value, 0))
    yield gauge
