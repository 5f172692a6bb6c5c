"""The tenants pages through Django's test client (the ERP is the sandbox over real HTTP)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent
from tenants import health, services
from tenants.models import (
    ApiClient,
    CheckOutcome,
    CheckRun,
    CheckTrigger,
    Customer,
    HealthIssue,
    IssueStatus,
    Tenant,
    TenantStatus,
)

pytestmark = pytest.mark.django_db

HEALTHY_ID = "5d1f3b0a-8c2e-4f6a-9b71-2e4c6a8d0f11"


def _add(client, demo_clients, **fields):
    data = {
        "tenant_id": HEALTHY_ID,
        "name": "",
        "api_client": demo_clients["production"].pk,
        "customer": "new",
        "new_customer_name": "Nordlys Gruppen AS",
        "notes": "",
        **fields,
    }
    return client.post(reverse("tenants:new"), data)


def _run_steps(client, run: CheckRun) -> CheckRun:
    for _ in range(len(run.steps) + 1):
        response = client.post(reverse("tenants:check_step", args=[run.pk]), HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        run.refresh_from_db()
        if run.finished:
            return run
    raise AssertionError("the check did not finish")


def test_adding_a_tenant_verifies_it_step_by_step(erp_settings, client_for, operator, demo_clients):
    client = client_for(operator)
    response = _add(client, demo_clients)
    tenant = Tenant.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tenants:detail", args=[tenant.pk])
    run = CheckRun.objects.get(tenant=tenant)
    assert run.trigger == CheckTrigger.ONBOARDING
    assert [s["status"] for s in run.steps] == ["pending"] * 4

    page = client.get(response["Location"]).content.decode()
    assert reverse("tenants:check_step", args=[run.pk]) in page  # the page drives the steps

    # One request per step; each answer shows the steps so far.
    first = client.post(reverse("tenants:check_step", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert 'data-step="token" data-status="passed"' in first.content.decode()
    assert 'data-step="context" data-status="pending"' in first.content.decode()
    run = _run_steps(client, run)
    assert run.outcome == CheckOutcome.PASSED
    tenant.refresh_from_db()
    assert tenant.status == TenantStatus.ACTIVE
    assert tenant.name == "Nordlys Handel AS", "the name comes from the ERP when left empty"
    assert AuditEvent.objects.filter(action="tenant.created", target_id=str(tenant.pk)).exists()


def test_a_failing_step_shows_the_diagnosis(erp_settings, client_for, operator, demo_clients):
    client = client_for(operator)
    _add(client, demo_clients, tenant_id="915d7f4e-2a6c-4dae-9fb5-6c8a0e2b4d55", name="Järnviken")
    run = _run_steps(client, CheckRun.objects.get())
    html = client.post(reverse("tenants:check_step", args=[run.pk]), HTTP_HX_REQUEST="true")
    text = html.content.decode()
    assert 'data-step="context" data-status="failed"' in text
    assert "No license for this company (12027)" in text
    assert "Who must act: Customer administrator" in text
    assert Tenant.objects.get().status == TenantStatus.ONBOARDING
    # The error guide's reading of the ERP's answer, as on every page that shows ERP errors.
    assert "What the ERP answered, explained" in text
    assert 'class="erp-error card"' in text
    assert "ExceptionFaultCode" in text and "12027" in text
    assert "Open the company&#x27;s usage page" not in text


@pytest.mark.parametrize(
    ("tenant_id", "message"),
    [
        ("5d1f3b0a-8c2e", "is not a tenant id"),
        ("", "Enter the company tenant id"),
        ("zzzzzzzz-8c2e-4f6a-9b71-2e4c6a8d0f11", "is not a tenant id"),
    ],
)
def test_a_malformed_tenant_id_is_explained_and_nothing_saved(
    client_for, operator, demo_clients, tenant_id, message
):
    response = _add(client_for(operator), demo_clients, tenant_id=tenant_id)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Tenant.objects.exists()
    assert not Customer.objects.exists(), "the new customer is not half-saved"


def test_a_duplicate_tenant_is_refused(erp_settings, client_for, operator, demo_clients):
    client = client_for(operator)
    _add(client, demo_clients)
    customer = Customer.objects.get()
    response = _add(client, demo_clients, customer=str(customer.pk), tenant_id=HEALTHY_ID.upper())
    assert response.status_code == 400
    assert "is already registered" in response.content.decode()
    assert Tenant.objects.count() == 1


def test_a_customer_that_already_exists_is_not_created_twice(client_for, operator, demo_clients):
    Customer.objects.create(name="Nordlys Gruppen AS")
    response = _add(client_for(operator), demo_clients)
    assert "already a customer named" in response.content.decode()
    assert not Tenant.objects.exists()


def test_a_viewer_sees_the_list_but_cannot_add(client_for, viewer, make_tenant):
    make_tenant("healthy")
    client = client_for(viewer)
    page = client.get(reverse("tenants:list"))
    assert page.status_code == 200
    assert "Nordlys Handel AS" in page.content.decode()
    assert "Add a tenant" not in page.content.decode()
    assert client.get(reverse("tenants:new")).status_code == 403


def test_the_list_filters_by_problem_and_sorts(erp_settings, client_for, viewer, make_tenant):
    healthy = make_tenant("healthy")
    broken = make_tenant("no_license")
    for tenant in (healthy, broken):
        health.check_tenant(tenant=tenant, trigger=CheckTrigger.MANUAL)
    client = client_for(viewer)

    page = client.get(reverse("tenants:list"), {"kind": "no_license"}).content.decode()
    assert "Järnviken Verkstad AB" in page and "Nordlys Handel AS" not in page
    assert "No license for this company (12027)" in page  # the counts at the top

    page = client.get(reverse("tenants:list"), {"owner": "isv"}).content.decode()
    assert "Järnviken Verkstad AB" not in page

    partial = client.get(reverse("tenants:list"), {"q": "nordlys"}, HTTP_HX_REQUEST="true")
    text = partial.content.decode()
    assert "<html" not in text, "htmx gets only the results"
    assert "Nordlys Handel AS" in text and "Järnviken" not in text

    page = client.get(reverse("tenants:list"), {"sort": "problems"}).content.decode()
    assert page.index("Järnviken Verkstad AB") < page.index("Nordlys Handel AS")
    assert "Healthy" in page and "1 open issue" in page


def test_bad_filters_do_not_break_the_list(client_for, viewer, make_tenant):
    make_tenant("healthy")
    response = client_for(viewer).get(
        reverse("tenants:list"), {"client": "abc", "per_page": "7", "page": "x", "sort": "evil"}
    )
    assert response.status_code == 200


def test_the_tenant_page_shows_the_issue_and_the_customer_message(
    erp_settings, client_for, viewer, make_tenant
):
    tenant = make_tenant("customer_tenant")
    health.check_tenant(tenant=tenant, trigger=CheckTrigger.MANUAL)
    page = client_for(viewer).get(reverse("tenants:detail", args=[tenant.pk])).content.decode()
    issue = HealthIssue.objects.get(tenant=tenant)
    assert issue.title in page
    assert f'data-copy-target="#customer-message-{issue.pk}"' in page
    assert "Company → Edit → Configuration → Tenant id" in page
    assert ">Check now</button>" not in page  # a viewer cannot run checks


def test_check_now_starts_a_live_check(erp_settings, client_for, operator, make_tenant):
    tenant = make_tenant("healthy")
    client = client_for(operator)
    response = client.post(reverse("tenants:check", args=[tenant.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    run = CheckRun.objects.get(tenant=tenant)
    assert run.trigger == CheckTrigger.MANUAL
    assert len(run.steps) == 5
    run = _run_steps(client, run)
    assert run.outcome == CheckOutcome.PASSED
    assert run.steps[-1]["name"] == "ratelimit"
    assert "calls used this hour" in run.steps[-1]["summary"]


def test_suspend_and_offboard_need_a_reason(client_for, operator, make_tenant):
    tenant = make_tenant("healthy")
    client = client_for(operator)
    client.post(reverse("tenants:suspend", args=[tenant.pk]), {"reason": ""})
    tenant.refresh_from_db()
    assert tenant.status == TenantStatus.ONBOARDING

    client.post(reverse("tenants:suspend", args=[tenant.pk]), {"reason": "Unpaid invoice"})
    tenant.refresh_from_db()
    assert tenant.status == TenantStatus.SUSPENDED
    event = AuditEvent.objects.get(action="tenant.suspended")
    assert event.details == {"from": "onboarding", "to": "suspended", "reason": "Unpaid invoice"}

    # Reactivating needs a reason too (the README says so).
    client.post(reverse("tenants:reactivate", args=[tenant.pk]), {"reason": ""})
    tenant.refresh_from_db()
    assert tenant.status == TenantStatus.SUSPENDED
    client.post(reverse("tenants:reactivate", args=[tenant.pk]), {"reason": "Invoice paid"})
    tenant.refresh_from_db()
    assert tenant.status == TenantStatus.ONBOARDING
    event = AuditEvent.objects.get(action="tenant.reactivated")
    assert event.details["reason"] == "Invoice paid"

    client.post(reverse("tenants:offboard", args=[tenant.pk]), {"reason": "Contract ended"})
    tenant.refresh_from_db()
    assert tenant.status == TenantStatus.OFFBOARDED
    assert tenant.offboarded_at is not None
    response = client.post(reverse("tenants:check", args=[tenant.pk]))
    assert response.status_code == 302
    assert not CheckRun.objects.filter(tenant=tenant).exists()


def test_the_inbox_groups_by_kind_and_owner_and_mutes(
    erp_settings, client_for, operator, make_tenant
):
    for scenario in ("no_license", "customer_tenant", "company_context"):
        health.check_tenant(tenant=make_tenant(scenario), trigger=CheckTrigger.MANUAL)
    client = client_for(operator)
    page = client.get(reverse("tenants:issues")).content.decode()
    assert "No license for this company (12027) · Customer administrator" in page
    assert "Company context (12002) · ISV (us)" in page

    issue = HealthIssue.objects.get(kind="no_license")
    client.post(
        reverse("tenants:issue_mute", args=[issue.pk]),
        {"reason": "Licence renewal ordered", "next": reverse("tenants:issues")},
    )
    issue.refresh_from_db()
    assert issue.status == IssueStatus.MUTED
    page = client.get(reverse("tenants:issues")).content.decode()
    assert f'data-issue="{issue.pk}"' not in page, "muted issues leave the open inbox"
    page = client.get(reverse("tenants:issues"), {"status": "muted"}).content.decode()
    assert "Licence renewal ordered" in page


def test_the_mute_redirect_stays_on_this_site(erp_settings, client_for, operator, make_tenant):
    tenant = make_tenant("no_license")
    health.check_tenant(tenant=tenant, trigger=CheckTrigger.MANUAL)
    issue = HealthIssue.objects.get()
    response = client_for(operator).post(
        reverse("tenants:issue_mute", args=[issue.pk]),
        {"reason": "x", "next": "https://evil.example/phish"},
    )
    assert response["Location"] == reverse("tenants:detail", args=[tenant.pk])


def test_bulk_check_again_rechecks_the_chosen_tenants(
    erp_settings, client_for, operator, make_tenant, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from portal.celery import app

    app.conf.task_always_eager = True
    try:
        tenant = make_tenant("no_license")
        health.check_tenant(tenant=tenant, trigger=CheckTrigger.MANUAL)
        issue = HealthIssue.objects.get()
        erp_settings.control("POST", "/_sandbox/clock", {"advance_seconds": 301})
        from tenants import erp

        erp.reset_process_state()
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(operator).post(
                reverse("tenants:issues_recheck"), {"issues": [str(issue.pk)]}
            )
        assert response.status_code == 302
        assert CheckRun.objects.filter(tenant=tenant).count() == 2
        issue.refresh_from_db()
        assert issue.occurrences == 2
    finally:
        app.conf.task_always_eager = False


def test_bulk_check_again_without_a_choice_is_explained(client_for, operator):
    response = client_for(operator).post(reverse("tenants:issues_recheck"), {}, follow=True)
    assert "Tick at least one issue" in response.content.decode()


def test_bulk_check_again_without_a_choice_keeps_the_inbox_filters(client_for, operator):
    filtered = reverse("tenants:issues") + "?owner=isv"
    response = client_for(operator).post(reverse("tenants:issues_recheck"), {"next": filtered})
    assert response.status_code == 302 and response["Location"] == filtered
    elsewhere = client_for(operator).post(
        reverse("tenants:issues_recheck"), {"next": "https://evil.example/"}
    )
    assert elsewhere["Location"] == reverse("tenants:issues")  # never another host


def test_import_preview_then_import(
    client_for, operator, demo_clients, django_capture_on_commit_callbacks
):
    client = client_for(operator)
    body = (
        b"Tenant ID;Name;Customer;Client\n"
        b"5d1f3b0a-8c2e-4f6a-9b71-2e4c6a8d0f11;Nordlys Handel AS;Nordlys Gruppen AS;isv_demo_prod\n"
    )
    preview = client.post(
        reverse("tenants:import"), {"file": SimpleUploadedFile("tenants.csv", body)}
    )
    text = preview.content.decode()
    assert "1</strong> new" in text and "Import 1 tenant" in text
    assert not Tenant.objects.exists(), "a preview saves nothing"

    confirm_text = preview.context["confirm"].initial["text"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("tenants:import_confirm"), {"text": confirm_text})
    assert response.status_code == 302
    assert Tenant.objects.count() == 1
    # The verification is queued for after the commit.
    assert any("tenant_import_confirm" in c.__qualname__ for c in callbacks)

    again = client.post(reverse("tenants:import_confirm"), {"text": confirm_text})
    assert again.status_code == 400
    assert "Nothing to import" in again.content.decode()
    assert Tenant.objects.count() == 1


def test_import_with_a_bad_row_shows_it_and_offers_no_import(client_for, operator, demo_clients):
    body = (
        b"tenant id,name,customer,client\n"
        b"5d1f3b0a-8c2e-4f6a-9b71-2e4c6a8d0f11,Nordlys,Nordlys,isv_demo_prod\n"
        b"oops,Broken,Broken,isv_demo_prod\n"
    )
    response = client_for(operator).post(
        reverse("tenants:import"), {"file": SimpleUploadedFile("t.csv", body)}
    )
    text = response.content.decode()
    assert "“oops” is not a tenant id" in text
    assert "Import 1 tenant" not in text
    assert response.context["confirm"] is None


def test_a_tampered_import_is_rechecked(client_for, operator, demo_clients):
    response = client_for(operator).post(
        reverse("tenants:import_confirm"),
        {"text": "tenant id,name,customer,client\nnot-a-guid,X,Y,isv_demo_prod\n"},
    )
    assert response.status_code == 400
    assert "Nothing was imported" in response.content.decode()
    assert not Tenant.objects.exists()


def test_a_huge_upload_is_refused_with_its_size(client_for, operator):
    junk = SimpleUploadedFile("big.csv", b"x" * (10 * 1024 * 1024))
    response = client_for(operator).post(reverse("tenants:import"), {"file": junk})
    assert "The file is 10.0 MB; the limit is 1 MB" in response.content.decode()


def test_api_client_secret_is_write_only(client_for, admin):
    client = client_for(admin)
    response = client.post(
        reverse("tenants:client_new"),
        {
            "name": "Live",
            "client_id": "isv_live",
            "client_secret": "s3cret-value-123",
            "client_type": "production",
            "environment": "production",
            "active": "on",
        },
    )
    assert response.status_code == 302
    api_client = ApiClient.objects.get()
    assert api_client.client_secret.reveal() == "s3cret-value-123"

    edit = client.get(reverse("tenants:client_edit", args=[api_client.pk])).content.decode()
    assert "s3cret-value-123" not in edit
    assert "Leave empty to keep" in edit

    # Saving with the secret left empty keeps it; a new one replaces it and is audited.
    base = {
        "name": "Live",
        "client_id": "isv_live",
        "client_type": "production",
        "environment": "production",
        "active": "on",
    }
    client.post(reverse("tenants:client_edit", args=[api_client.pk]), {**base, "client_secret": ""})
    api_client.refresh_from_db()
    assert api_client.client_secret.reveal() == "s3cret-value-123"
    assert not AuditEvent.objects.filter(action="api_client.secret_changed").exists()

    client.post(
        reverse("tenants:client_edit", args=[api_client.pk]), {**base, "client_secret": "new-one"}
    )
    api_client.refresh_from_db()
    assert api_client.client_secret.reveal() == "new-one"
    event = AuditEvent.objects.get(action="api_client.secret_changed")
    assert event.details == {"changed": ["client_secret"]}


def test_an_operator_cannot_manage_api_clients(client_for, operator, demo_clients):
    client = client_for(operator)
    assert client.get(reverse("tenants:client_new")).status_code == 403
    pk = demo_clients["test"].pk
    assert client.post(reverse("tenants:client_edit", args=[pk]), {}).status_code == 403
    assert client.get(reverse("tenants:clients")).status_code == 200


def test_the_dashboard_panel_counts_problem_tenants(erp_settings, client_for, viewer, make_tenant):
    health.check_tenant(tenant=make_tenant("no_license"), trigger=CheckTrigger.MANUAL)
    health.check_tenant(tenant=make_tenant("healthy"), trigger=CheckTrigger.MANUAL)
    page = client_for(viewer).get(reverse("dashboard")).content.decode()
    assert 'id="tenants-panel-title"' in page
    assert '<div class="value">1</div><div class="label">with an open problem</div>' in page
    assert "No license for this company (12027)</a>: 1" in page


def test_the_inbox_never_lists_resolved_issues(erp_settings, client_for, viewer, make_tenant):
    tenant = make_tenant("no_license")
    health.check_tenant(tenant=tenant, trigger=CheckTrigger.MANUAL)
    issue = HealthIssue.objects.get()
    client = client_for(viewer)
    assert f'data-issue="{issue.pk}"' in client.get(reverse("tenants:issues")).content.decode()
    HealthIssue.objects.filter(pk=issue.pk).update(status=IssueStatus.RESOLVED)
    for status in ("", "open", "muted"):
        page = client.get(reverse("tenants:issues"), {"status": status}).content.decode()
        assert f'data-issue="{issue.pk}"' not in page, status


def test_notes_of_two_megabytes_are_refused_and_nothing_saved(
    erp_settings, client_for, operator, demo_clients, make_tenant
):
    client = client_for(operator)
    huge = "n" * 2_000_000
    response = _add(client, demo_clients, notes=huge)
    assert response.status_code == 400
    assert "at most 4000 characters" in response.content.decode()
    assert not Tenant.objects.exists()

    tenant = make_tenant("healthy")
    response = client.post(
        reverse("tenants:edit", args=[tenant.pk]), {"name": tenant.name, "notes": huge}
    )
    assert response.status_code == 400
    tenant.refresh_from_db()
    assert len(tenant.notes) < 4000
    with pytest.raises(ValidationError, match="at most 4,000 characters"):
        services.tenant_update(actor=operator, tenant=tenant, notes="n" * 4001)


def test_manual_checks_are_audited_with_who_asked(client_for, operator, make_tenant):
    tenant = make_tenant("healthy")
    other = make_tenant("no_license")
    Tenant.objects.filter(pk=other.pk).update(status=TenantStatus.ACTIVE)
    now = timezone.now()
    issue = HealthIssue.objects.create(
        tenant=other,
        kind="no_license",
        owner="customer_admin",
        title="No licence",
        first_seen_at=now,
        last_seen_at=now,
    )
    client = client_for(operator)
    client.post(reverse("tenants:check", args=[tenant.pk]), HTTP_HX_REQUEST="true")
    event = AuditEvent.objects.get(action="tenant.check_requested", target_id=str(tenant.pk))
    assert event.actor == operator
    assert event.details["check"] == CheckRun.objects.get(tenant=tenant).pk

    client.post(reverse("tenants:issues_recheck"), {"issues": [str(issue.pk)]})
    event = AuditEvent.objects.get(action="tenant.check_requested", target_id=str(other.pk))
    assert event.actor == operator and event.details == {"in": "background"}
