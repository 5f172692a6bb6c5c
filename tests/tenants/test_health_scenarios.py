"""Every demo scenario, checked over real HTTP against the sandbox, ends with exactly the right
issue kind, owner and remediation; the healthy tenants with none."""

from __future__ import annotations

import pytest

from tenants import health
from tenants.catalogue import IssueKind, Owner
from tenants.models import CheckOutcome, CheckTrigger, HealthIssue, IssueStatus, TenantStatus
from tests.conftest import sandbox_away_from_the_hour

pytestmark = pytest.mark.django_db


def _check(tenant, trigger=CheckTrigger.MANUAL):
    run = health.check_tenant(tenant=tenant, trigger=trigger)
    tenant.refresh_from_db()
    return run


def _only_issue(tenant) -> HealthIssue:
    issues = list(HealthIssue.objects.filter(tenant=tenant))
    assert len(issues) == 1, [(i.kind, i.details) for i in issues]
    return issues[0]


@pytest.mark.smoke
@pytest.mark.smoke
def test_the_healthy_tenant_passes_every_step_and_has_no_issue(erp_settings, make_tenant):
    tenant = make_tenant("healthy")
    run = _check(tenant, CheckTrigger.ONBOARDING)

    assert run.outcome == CheckOutcome.PASSED
    assert [step["status"] for step in run.steps] == ["passed"] * 4
    assert not HealthIssue.objects.filter(tenant=tenant).exists()
    assert tenant.status == TenantStatus.ACTIVE
    # The context step discovered the company and stored it.
    assert tenant.company_id == 4712001
    assert tenant.erp_company_name == "Nordlys Handel AS"
    assert tenant.last_check_ok is True and tenant.open_issue_count == 0


@pytest.mark.parametrize(
    ("scenario", "client_type", "kind", "owner", "words"),
    [
        (
            "not_approved",
            "test",
            IssueKind.APP_NOT_APPROVED,
            Owner.CUSTOMER_INTEGRATION_ADMIN,
            ["Visma App Store", "7f3b5d2c-0e4a-4b8c-9d93-4a6e8c0f2b33"],
        ),
        (
            "missing_api_user_role",
            "production",
            IssueKind.API_USER_ROLE_MISSING,
            Owner.CUSTOMER_ADMIN,
            ["API User", "Visma.net Admin"],
        ),
        (
            "customer_tenant",
            "production",
            IssueKind.CUSTOMER_TENANT_ID,
            Owner.CUSTOMER_ADMIN,
            ["401", "Company → Edit → Configuration → Tenant id"],
        ),
        (
            "no_license",
            "production",
            IssueKind.NO_LICENSE,
            Owner.CUSTOMER_ADMIN,
            ["12027", "API User", "Visma App Store", "licence"],
        ),
        (
            "company_context",
            "production",
            IssueKind.COMPANY_CONTEXT,
            Owner.ISV,
            ["12002", "on our side"],
        ),
        (
            "salesorder_scope_missing",
            "test",
            IssueKind.SALESORDER_SCOPE_MISSING,
            Owner.ISV,
            ["visma.net.erp.salesorder:read", "Developer Portal", "approves the app again"],
        ),
        (
            "near_limit",
            "test",
            IssueKind.NEAR_LIMIT,
            Owner.ISV,
            ["of 500 calls used this hour", "production client"],
        ),
    ],
)
@pytest.mark.smoke
def test_each_problem_scenario_gets_exactly_its_issue(
    erp_settings, make_tenant, scenario, client_type, kind, owner, words
):
    tenant = make_tenant(scenario, client_type)
    run = _check(tenant)

    issue = _only_issue(tenant)
    assert issue.kind == kind
    assert issue.owner == owner
    assert issue.status == IssueStatus.OPEN
    for word in words:
        assert word in issue.remediation, (word, issue.remediation)
    assert tenant.name in issue.customer_message or tenant.erp_company_name in (
        issue.customer_message
    )
    assert run.outcome == CheckOutcome.FAILED
    assert tenant.open_issue_count == 1
    assert tenant.last_check_ok is False


def test_the_licence_causes_come_in_the_kb_order(erp_settings, make_tenant):
    tenant = make_tenant("no_license")
    _check(tenant)
    text = _only_issue(tenant).remediation
    assert text.index("API User") < text.index("Visma App Store") < text.index("licence")
    assert "(Visma)" in text


def test_a_problem_tenant_stays_in_onboarding(erp_settings, make_tenant):
    tenant = make_tenant("no_license")
    _check(tenant, CheckTrigger.ONBOARDING)
    assert tenant.status == TenantStatus.ONBOARDING
    assert tenant.activated_at is None


def test_the_slow_tenant_is_healthy(erp_settings, make_tenant):
    tenant = make_tenant("slow")
    run = _check(tenant, CheckTrigger.ONBOARDING)
    assert run.outcome == CheckOutcome.PASSED
    assert not HealthIssue.objects.filter(tenant=tenant).exists()


def test_a_wrong_secret_is_invalid_client_for_the_isv(erp_settings, make_tenant, demo_clients):
    from tenants import services

    tenant = make_tenant("healthy")
    services.api_client_update(
        actor=None, api_client=demo_clients["production"], client_secret="not-the-secret"
    )
    tenant.refresh_from_db()
    _check(tenant)
    issue = _only_issue(tenant)
    assert (issue.kind, issue.owner) == (IssueKind.INVALID_CLIENT, Owner.ISV)
    assert "Developer Portal" in issue.remediation
    assert issue.details["step"] == "token"


def test_an_erp_outage_is_for_visma(erp_settings, make_tenant):
    tenant = make_tenant("healthy")
    erp_settings.control("POST", "/_sandbox/faults", {"error_rate": 1.0})
    _check(tenant)
    issue = _only_issue(tenant)
    assert (issue.kind, issue.owner) == (IssueKind.ERP_UNAVAILABLE, Owner.VISMA)
    assert issue.details["status"] >= 500
    assert "status.visma.com" in issue.customer_message


def test_a_429_is_rate_limited(erp_settings, make_tenant, demo_clients):
    tenant = make_tenant("healthy", "test")
    sandbox_away_from_the_hour(erp_settings)  # the 429 must not end with the hour mid-check
    erp_settings.control(
        "POST",
        "/_sandbox/usage",
        {"tenant_id": tenant.tenant_id, "client_id": "isv_demo_test", "used": 500},
    )
    run = _check(tenant)
    kinds = set(HealthIssue.objects.filter(tenant=tenant).values_list("kind", flat=True))
    assert IssueKind.RATE_LIMITED in kinds
    issue = HealthIssue.objects.get(tenant=tenant, kind=IssueKind.RATE_LIMITED)
    assert issue.owner == Owner.ISV
    assert "429" in issue.remediation
    # The next check waits for the window instead of hammering the ERP.
    assert tenant.next_check_at > run.started_at


def test_an_unknown_error_is_unclassified_with_its_raw_body(
    erp_settings, make_tenant, settings, demo_clients
):
    from tenants import services

    # The Financials API "moved": every ERP path answers 404, an answer the catalogue lacks.
    settings.ERP_API_URL = f"{erp_settings.url}/moved"
    tenant = make_tenant("healthy")
    services.api_client_update(actor=None, api_client=tenant.api_client, environment="production")
    tenant.refresh_from_db()
    _check(tenant)
    issue = _only_issue(tenant)
    assert (issue.kind, issue.owner) == (IssueKind.UNCLASSIFIED, Owner.ISV)
    assert issue.details["status"] == 404
    assert issue.details["raw"], "the raw body is kept"
