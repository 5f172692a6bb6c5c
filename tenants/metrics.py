"""Health issues for /metrics (usage's collector calls this through USAGE_METRICS_EXTRA)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily

from . import selectors
from .catalogue import IssueKind


def open_issues() -> Iterator[GaugeMetricFamily]:
    """Open (not muted, not resolved) issues of checked tenants per kind, as the tenants list
    counts them; every kind is listed, so an alert can compare against zero."""
    counts = {row["kind"]: row["n"] for row in selectors.kind_counts()}
    gauge = GaugeMetricFamily(
        "portal_health_issues_open", "Open tenant health issues by kind.", labels=["kind"]
    )
    for kind in IssueKind:
        gauge.add_metric([kind.value], counts.get(kind.value, 0))
    yield gauge
