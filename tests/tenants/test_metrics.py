"""/metrics reports open health issues by kind (tenants' collector, called by usage's view)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from tenants.catalogue import IssueKind, Owner
from tenants.models import HealthIssue, IssueStatus
from tests.tenants.helpers import onboard_demo, register_demo_clients

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests-0123456789"


def _issue(tenant, kind: IssueKind, status: IssueStatus) -> HealthIssue:
    now = timezone.now()
    return HealthIssue.objects.create(
        tenant=tenant,
        kind=kind,
        status=status,
        owner=Owner.ISV,
        title=kind.label,
        remediation="-",
        customer_message="-",
        first_seen_at=now,
        last_seen_at=now,
    )


def _open_by_kind(client) -> dict[str, float]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    return {
        sample.labels["kind"]: sample.value
        for family in text_string_to_metric_families(response.content.decode())
        if family.name == "portal_health_issues_open"
        for sample in family.samples
    }


def test_open_issues_are_counted_by_kind_and_muted_or_resolved_ones_are_not(client, settings):
    settings.USAGE_METRICS_TOKEN = TOKEN
    clients = register_demo_clients()
    licence = onboard_demo(clients, "no_license")
    context = onboard_demo(clients, "company_context")
    _issue(licence, IssueKind.NO_LICENSE, IssueStatus.OPEN)
    _issue(context, IssueKind.NO_LICENSE, IssueStatus.OPEN)
    _issue(context, IssueKind.COMPANY_CONTEXT, IssueStatus.MUTED)
    _issue(licence, IssueKind.RATE_LIMITED, IssueStatus.RESOLVED)

    counts = _open_by_kind(client)
    assert counts["no_license"] == 2
    assert counts["company_context"] == 0
    assert counts["rate_limited"] == 0
    assert set(counts) == {kind.value for kind in IssueKind}
