"""Issue lifecycle against the sandbox: opening, refreshing, resolving only after quiet checks,
flapping, muting, reopening, and usage's throttling alerts."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portal.models import AuditEvent
from tenants import erp, health
from tenants.catalogue import IssueKind, Owner
from tenants.models import CheckTrigger, HealthIssue, IssueStatus

pytestmark = pytest.mark.django_db


def _scenario(sandbox, tenant, scenario: str) -> None:
    sandbox.control(
        "POST", f"/_sandbox/tenants/{tenant.tenant_id}/scenario", {"scenario": scenario}
    )


def _check(sandbox, tenant):
    # The ERP punishes the same failed request twice in 5 minutes; these tests repeat checks on
    # purpose, so both the sandbox's clock and our repeat guard move past that window first.
    sandbox.control("POST", "/_sandbox/clock", {"advance_seconds": 301})
    erp.reset_process_state()
    run = health.check_tenant(tenant=tenant, trigger=CheckTrigger.MANUAL)
    tenant.refresh_from_db()
    return run


def _issue(tenant, kind=IssueKind.NO_LICENSE) -> HealthIssue:
    return HealthIssue.objects.get(tenant=tenant, kind=kind)


def test_an_issue_resolves_only_after_enough_good_checks(erp_settings, make_tenant, settings):
    settings.TENANTS_RESOLVE_AFTER_CHECKS = 2
    tenant = make_tenant("healthy")
    _scenario(erp_settings, tenant, "no_license")
    _check(erp_settings, tenant)
    assert _issue(tenant).status == IssueStatus.OPEN
    assert tenant.open_issue_count == 1

    _scenario(erp_settings, tenant, "healthy")
    _check(erp_settings, tenant)
    issue = _issue(tenant)
    assert issue.status == IssueStatus.OPEN, "one good check is not enough"
    assert issue.quiet_checks == 1
    assert tenant.open_issue_count == 1

    _check(erp_settings, tenant)
    issue = _issue(tenant)
    assert issue.status == IssueStatus.RESOLVED
    assert issue.resolved_at is not None
    assert tenant.open_issue_count == 0


def test_a_flapping_tenant_keeps_one_open_issue(erp_settings, make_tenant, settings):
    settings.TENANTS_RESOLVE_AFTER_CHECKS = 2
    tenant = make_tenant("healthy")
    for scenario in ("no_license", "healthy", "no_license", "healthy", "no_license"):
        _scenario(erp_settings, tenant, scenario)
        _check(erp_settings, tenant)
        assert _issue(tenant).status == IssueStatus.OPEN, scenario
    issue = _issue(tenant)
    assert issue.occurrences == 3
    assert issue.quiet_checks == 0
    assert HealthIssue.objects.filter(tenant=tenant).count() == 1


def test_a_resolved_issue_reopens_when_it_comes_back(erp_settings, make_tenant, settings):
    settings.TENANTS_RESOLVE_AFTER_CHECKS = 1
    tenant = make_tenant("healthy")
    _scenario(erp_settings, tenant, "no_license")
    _check(erp_settings, tenant)
    first_seen = _issue(tenant).first_seen_at
    _scenario(erp_settings, tenant, "healthy")
    _check(erp_settings, tenant)
    assert _issue(tenant).status == IssueStatus.RESOLVED

    _scenario(erp_settings, tenant, "no_license")
    _check(erp_settings, tenant)
    issue = _issue(tenant)
    assert issue.status == IssueStatus.OPEN
    assert issue.resolved_at is None
    assert issue.occurrences == 2
    assert issue.first_seen_at == first_seen


def test_a_check_that_never_reached_the_step_does_not_count_as_good(
    erp_settings, make_tenant, settings
):
    settings.TENANTS_RESOLVE_AFTER_CHECKS = 1
    tenant = make_tenant("healthy")
    _scenario(erp_settings, tenant, "salesorder_scope_missing")
    _check(erp_settings, tenant)
    assert _issue(tenant, IssueKind.SALESORDER_SCOPE_MISSING).status == IssueStatus.OPEN

    # The company context breaks: the check stops before SalesOrders, which proves nothing.
    _scenario(erp_settings, tenant, "company_context")
    _check(erp_settings, tenant)
    assert _issue(tenant, IssueKind.SALESORDER_SCOPE_MISSING).status == IssueStatus.OPEN
    assert _issue(tenant, IssueKind.COMPANY_CONTEXT).status == IssueStatus.OPEN


def test_muting_needs_a_reason_and_is_audited(erp_settings, make_tenant, operator):
    tenant = make_tenant("no_license")
    _check(erp_settings, tenant)
    issue = _issue(tenant)

    with pytest.raises(ValidationError):
        health.issue_mute(actor=operator, issue=issue, reason="  ")
    assert _issue(tenant).status == IssueStatus.OPEN

    health.issue_mute(actor=operator, issue=issue, reason="Customer renews the licence Monday")
    issue = _issue(tenant)
    tenant.refresh_from_db()
    assert issue.status == IssueStatus.MUTED
    assert issue.muted_by == operator
    assert tenant.open_issue_count == 0
    event = AuditEvent.objects.get(action="issue.muted")
    assert event.details["reason"] == "Customer renews the licence Monday"

    # Still failing: it stays muted, and the occurrence is counted.
    _check(erp_settings, tenant)
    issue = _issue(tenant)
    assert issue.status == IssueStatus.MUTED
    assert issue.occurrences == 2

    health.issue_unmute(actor=operator, issue=issue)
    assert _issue(tenant).status == IssueStatus.OPEN
    assert AuditEvent.objects.filter(action="issue.unmuted").exists()


def test_a_muted_issue_still_resolves(erp_settings, make_tenant, operator, settings):
    settings.TENANTS_RESOLVE_AFTER_CHECKS = 1
    tenant = make_tenant("healthy")
    _scenario(erp_settings, tenant, "no_license")
    _check(erp_settings, tenant)
    health.issue_mute(actor=operator, issue=_issue(tenant), reason="known")
    _scenario(erp_settings, tenant, "healthy")
    _check(erp_settings, tenant)
    assert _issue(tenant).status == IssueStatus.RESOLVED


@pytest.fixture
def handled_by_a_worker(django_capture_on_commit_callbacks):
    """handled_by_a_worker(fire) -> fire usage's alerts, then do what a worker does with the
    tasks their handler queued."""
    from portal.celery import app

    def handle(fire) -> None:
        issues, events = HealthIssue.objects.count(), AuditEvent.objects.count()
        with django_capture_on_commit_callbacks(execute=False) as queued:
            fire()
        # The handler runs on the ERP call path: it only queues the task, it writes nothing.
        assert (HealthIssue.objects.count(), AuditEvent.objects.count()) == (issues, events)
        app.conf.task_always_eager = True
        try:
            for callback in queued:
                callback()
        finally:
            app.conf.task_always_eager = False

    return handle


@pytest.fixture
def worker_runs_alerts(handled_by_a_worker):
    """send_alert(...) -> usage's alert, then what a worker does with the task it queued."""
    from usage.alerts import send_throttling

    return lambda **alert: handled_by_a_worker(lambda: send_throttling(**alert))


def test_usage_throttling_alerts_open_the_tenants_issue(
    erp_settings, make_tenant, settings, worker_runs_alerts
):
    settings.TENANTS_RESOLVE_AFTER_CHECKS = 1
    tenant = make_tenant("healthy", "test")
    worker_runs_alerts(
        client_id="isv_demo_test",
        tenant_id=tenant.tenant_id.upper(),
        kind="test_client_heavy",
        details={"summary": "Averaging 300 of 500 calls an hour over 24 hours."},
    )
    issue = _issue(tenant, IssueKind.TEST_CLIENT_HEAVY)
    tenant.refresh_from_db()
    assert issue.owner == Owner.ISV
    assert "production client" in issue.remediation
    assert tenant.open_issue_count == 1
    # Written by the system on usage's word, and the audit log says so.
    event = AuditEvent.objects.get(action="issue.reported")
    assert (event.actor, event.actor_label) == (None, "system")
    assert event.target_id == str(issue.pk)
    assert event.details["kind"] == "test_client_heavy"
    assert event.details["source"] == "usage alert"

    # A quiet hour on the next check resolves it like any other issue.
    _check(erp_settings, tenant)
    assert _issue(tenant, IssueKind.TEST_CLIENT_HEAVY).status == IssueStatus.RESOLVED


def test_a_throttling_alert_for_an_unknown_company_changes_nothing(db, worker_runs_alerts):
    worker_runs_alerts(
        client_id="isv_nobody",
        tenant_id="00000000-0000-0000-0000-000000000000",
        kind="near_limit",
        details={},
    )
    assert not HealthIssue.objects.exists()
    assert not AuditEvent.objects.filter(action="issue.reported").exists()


def test_a_heavy_test_client_keeps_one_open_issue_until_its_average_drops(
    erp_settings, make_tenant, settings, handled_by_a_worker
):
    """usage opens the issue and the checks clear it by the same rule (the last 24 hours'
    average), so a quiet hour does not resolve it only for the next alert to reopen it."""
    from datetime import timedelta

    from usage.models import HourlyUsage, MeteredCompany
    from usage.selectors import utc_hour
    from usage.services import heavy_test_clients_alert

    settings.TENANTS_RESOLVE_AFTER_CHECKS = 2
    tenant = make_tenant("healthy", "test")
    company = MeteredCompany.objects.get(tenant_id=tenant.tenant_id)
    # 23 busy hours and a quiet one now: about 287 calls an hour on average, above half of 500.
    HourlyUsage.objects.bulk_create(
        HourlyUsage(company=company, hour=utc_hour() - timedelta(hours=back), calls=300)
        for back in range(1, 24)
    )
    handled_by_a_worker(heavy_test_clients_alert)
    assert _issue(tenant, IssueKind.TEST_CLIENT_HEAVY).status == IssueStatus.OPEN

    for _ in range(3):  # quiet checks, with usage's alert (every 15 minutes) between them
        _check(erp_settings, tenant)
        assert _issue(tenant, IssueKind.TEST_CLIENT_HEAVY).status == IssueStatus.OPEN
        handled_by_a_worker(heavy_test_clients_alert)
    issue = _issue(tenant, IssueKind.TEST_CLIENT_HEAVY)
    assert issue.resolved_at is None and issue.occurrences == 4

    HourlyUsage.objects.filter(company=company).exclude(hour=utc_hour()).delete()  # busy day over
    _check(erp_settings, tenant)
    _check(erp_settings, tenant)
    assert _issue(tenant, IssueKind.TEST_CLIENT_HEAVY).status == IssueStatus.RESOLVED
