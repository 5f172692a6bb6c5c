"""status.visma.com: a webhook is a hint confirmed against the public summary; a confirmed ERP
incident puts up the banner, turns failing checks into one "ERP outage (Visma)" kind, holds the
sweep, and its resolution checks the failed tenants again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tenants import health, tasks
from tenants.catalogue import IssueKind, Owner
from tenants.models import CheckTrigger, HealthIssue
from tenants.status_models import StatusComponent, StatusIncident
from webhooks import services
from webhooks.models import DeliveryStatus, InboundDelivery

pytestmark = pytest.mark.django_db
NOWHERE = "http://127.0.0.1:9/statuspage"  # the sandbox's own delivery goes nowhere; we post it


@pytest.fixture(autouse=True)
def _isolated(portal_isolation, erp_settings, settings):
    settings.TENANTS_STATUSPAGE_URL = erp_settings.url
    yield


@pytest.fixture
def status_url(db):
    _, token = services.statuspage_token_create(actor=None, label="status")
    return reverse("webhooks:inbound_statuspage", args=[token])


@pytest.fixture
def post_status(client, sandbox, status_url, django_capture_on_commit_callbacks):
    """post_status(kind, **fields) -> the processed delivery of that Statuspage fixture."""

    def post(kind, **fields):
        answer = sandbox.control(
            "POST", "/_sandbox/statuspage", {"url": NOWHERE, "kind": kind, **fields}
        )
        with django_capture_on_commit_callbacks():
            response = client.post(
                status_url, data=answer["payload"], content_type="application/json"
            )
        assert response.status_code in (200, 202), response.content
        delivery = InboundDelivery.objects.get(pk=response.json()["delivery"])
        services.delivery_process(pk=delivery.pk)
        delivery.refresh_from_db()
        return delivery

    return post


def banner_text(client) -> str:
    page = client.get(reverse("dashboard")).content.decode()
    return page if "site-banner" in page else ""


def test_a_confirmed_incident_puts_up_the_banner_and_its_resolution_takes_it_down(
    post_status, client_for, viewer
):
    delivery = post_status("incident_created", name="API errors")
    assert delivery.status == DeliveryStatus.PROCESSED
    assert delivery.outcome.startswith("Confirmed by the summary")
    incident = StatusIncident.objects.get()
    assert incident.affects_erp and incident.is_open
    client = client_for(viewer)
    assert "API errors" in banner_text(client)
    history = client.get(reverse("tenants:status_history")).content.decode()
    assert "API errors" in history and "the sweep is waiting" in history

    post_status("incident_resolved")
    incident.refresh_from_db()
    assert not incident.is_open
    assert banner_text(client) == ""


def test_a_page_that_showed_no_banner_shows_a_new_incident_at_once(post_status, client_for, viewer):
    client = client_for(viewer)  # every page shows the banners from the cache from now on
    assert banner_text(client) == ""
    post_status("incident_created", name="API errors")
    assert "API errors" in banner_text(client)


def test_a_payload_the_summary_contradicts_changes_nothing(post_status, client_for, viewer):
    delivery = post_status("incident_created", name="Ghost outage", apply_to_summary=False)
    assert delivery.outcome.startswith("Not confirmed")
    assert not StatusIncident.objects.filter(resolved_at__isnull=True).exists()
    assert banner_text(client_for(viewer)) == ""


def test_a_component_update_is_checked_against_the_summary(post_status, client_for, viewer):
    post_status("component_degraded", component_id="vnerp0saleso")
    component = StatusComponent.objects.get(component_id="vnerp0saleso")
    assert component.status == "degraded_performance"
    # The history page says it in words, not in the status page's codes.
    history = client_for(viewer).get(reverse("tenants:status_history")).content.decode()
    assert "Degraded performance" in history and "degraded_performance" not in history
    contradicted = post_status(
        "component_degraded", component_id="vconnect0001", apply_to_summary=False
    )
    assert contradicted.outcome.startswith("Not confirmed")
    assert StatusComponent.objects.get(component_id="vconnect0001").status == "operational"


def test_an_incident_elsewhere_puts_up_no_banner(post_status, client_for, viewer):
    post_status("incident_created", name="Portal slow", component_id="vdevportal01")
    assert StatusIncident.objects.get().affects_erp is False
    assert banner_text(client_for(viewer)) == ""


def test_during_an_erp_incident_a_failing_check_is_the_outage_owned_by_visma(
    post_status,
    make_tenant,
    sandbox,
):
    tenant = make_tenant("healthy")
    post_status("incident_created", name="API errors")
    sandbox.control("POST", "/_sandbox/faults", {"tenant_id": tenant.tenant_id, "error_rate": 1.0})
    health.check_tenant(tenant=tenant, trigger=CheckTrigger.MANUAL)
    kinds = set(HealthIssue.objects.filter(tenant=tenant).values_list("kind", flat=True))
    assert IssueKind.ERP_OUTAGE in kinds and IssueKind.ERP_UNAVAILABLE not in kinds
    issue = HealthIssue.objects.get(tenant=tenant, kind=IssueKind.ERP_OUTAGE)
    assert issue.owner == Owner.VISMA
    assert "API errors" in issue.remediation


def test_without_an_incident_the_same_failure_stays_the_tenants_problem(
    make_tenant,
    sandbox,
):
    tenant = make_tenant("healthy")
    sandbox.control("POST", "/_sandbox/faults", {"tenant_id": tenant.tenant_id, "error_rate": 1.0})
    health.check_tenant(tenant=tenant, trigger=CheckTrigger.MANUAL)
    assert HealthIssue.objects.filter(tenant=tenant, kind=IssueKind.ERP_UNAVAILABLE).exists()


def test_the_sweep_backs_off_during_an_erp_incident(post_status, make_tenant, monkeypatch):
    make_tenant("healthy")
    post_status("incident_created", name="API errors")
    claimed = []
    monkeypatch.setattr(tasks.sweep, "claim", lambda **kw: claimed.append(1))
    assert tasks.health_sweep() == 0
    assert claimed == []


def test_the_resolution_checks_the_tenants_that_failed_again(
    post_status,
    make_tenant,
    sandbox,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    tenant = make_tenant("healthy")
    post_status("incident_created", name="API errors")
    sandbox.control("POST", "/_sandbox/faults", {"tenant_id": tenant.tenant_id, "error_rate": 1.0})
    health.check_tenant(tenant=tenant, trigger=CheckTrigger.MANUAL)
    sandbox.control("POST", "/_sandbox/faults", {"tenant_id": tenant.tenant_id})
    rechecked = []
    monkeypatch.setattr(tasks.check_tenants, "delay", lambda pks, **kw: rechecked.append(pks))
    sandbox.control("POST", "/_sandbox/statuspage", {"url": NOWHERE, "kind": "incident_resolved"})
    from tenants.statuspage import recheck_after, sync

    with django_capture_on_commit_callbacks(execute=True):
        result = sync(_summary(sandbox))
        recheck_after(result.resolved_erp)
    assert rechecked == [[tenant.pk]]


def _summary(sandbox):
    import httpx

    return httpx.get(sandbox.url + "/api/v2/summary.json").json()


def test_maintenance_in_progress_puts_up_the_banner_until_it_is_completed(
    post_status, client_for, viewer
):
    post_status("maintenance_scheduled", name="Database upgrade")
    client = client_for(viewer)
    assert banner_text(client) == ""  # scheduled, not started
    post_status("maintenance_started")
    incident = StatusIncident.objects.get()
    assert incident.is_maintenance and incident.status == "in_progress"
    assert "Maintenance on" in banner_text(client)
    post_status("maintenance_completed")
    assert banner_text(client) == ""
