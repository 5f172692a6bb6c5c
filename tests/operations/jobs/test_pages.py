"""Job pages: live (htmx polling) while a job runs, still once it ended; the conflict view of an
action refused with 412, and confirming it again on the latest version."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from operations.jobs import services
from operations.jobs.models import BackgroundJob, JobOutcome, JobStatus

from .helpers import find_invoice, queue, run_until_ended

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenant(erp_settings, make_tenant):
    return make_tenant("healthy")


def test_a_running_job_polls_and_an_ended_one_stops(
    client_for, viewer, tenant, advance_sandbox_clock
):
    client = client_for(viewer)
    job = queue(tenant, find_invoice(tenant, "Balanced"))
    url = reverse("operations:job", args=[job.pk])
    running = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in running and "queued" in running
    assert "Known once the ERP has run the job" in _outcome(running)
    assert 'hx-trigger="every' in client.get(reverse("operations:jobs")).content.decode()

    services.job_send(job.pk)
    run_until_ended(job, advance_sandbox_clock)
    ended = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "finished, verified: Open" in ended
    assert "hx-trigger" not in ended
    assert "Verified by GET" in ended and "202 accepted" in ended
    listing = client.get(reverse("operations:tenant_jobs", args=[tenant.pk])).content.decode()
    assert "finished, verified: Open" in listing and 'hx-trigger="every' not in listing


def _outcome(html: str) -> str:
    return html.split('data-testid="job-outcome">', 1)[1].split("</dd>", 1)[0]


def test_a_job_the_erp_finished_but_not_yet_confirmed_says_what_the_portal_is_doing(
    client_for, viewer, tenant
):
    job = queue(tenant, find_invoice(tenant, "Balanced"))
    BackgroundJob.objects.filter(pk=job.pk).update(status=JobStatus.FINISHED)
    html = client_for(viewer).get(reverse("operations:job", args=[job.pk])).content.decode()
    outcome = _outcome(html)
    assert "Being confirmed: the portal is reading the document" in outcome
    assert "Not verified yet" not in html
    assert 'hx-trigger="every' in html  # and the page keeps updating until it is confirmed


def test_unknown_job_is_404(client_for, viewer, tenant):
    assert client_for(viewer).get(reverse("operations:job", args=[999999])).status_code == 404


def test_a_conflict_shows_the_new_status_and_confirms_again(
    client_for, operator, tenant, erp_settings, advance_sandbox_clock
):
    client = client_for(operator)
    invoice = find_invoice(tenant, "Balanced")
    job = queue(tenant, invoice, actor=operator)
    services.job_send(job.pk)
    erp_settings.control(
        "POST",
        f"/_sandbox/tenants/{tenant.tenant_id}/supplier-invoices/Invoice/{invoice.number}/touch",
        {"status": "Hold"},
    )
    job = run_until_ended(job, advance_sandbox_clock)
    assert job.outcome == JobOutcome.CONFLICT
    page = client.get(reverse("operations:job", args=[job.pk])).content.decode()
    assert "Compare the versions and decide again" in page

    html = client.get(reverse("operations:job_conflict", args=[job.pk])).content.decode()
    status_row = html.split('data-field="status"', 1)[1].split("</tr>", 1)[0]
    assert "Balanced" in status_row and "Hold" in status_row and "changed in the ERP" in status_row
    # On hold, release is no longer possible: nothing to confirm.
    assert "is no longer possible: the document's status is now Hold." in html

    erp_settings.control(
        "POST",
        f"/_sandbox/tenants/{tenant.tenant_id}/supplier-invoices/Invoice/{invoice.number}/touch",
        {"status": "Balanced"},
    )
    html = client.get(reverse("operations:job_conflict", args=[job.pk])).content.decode()
    form = html.split("Confirm again", 1)[0].rsplit("<form", 1)[1]
    action = re.search(r'action="([^"]+)"', form).group(1)
    data = {
        n: v.replace("&quot;", '"') for n, v in re.findall(r'name="(\w+)" value="([^"]*)"', form)
    }
    response = client.post(action, data)
    assert response.status_code == 302
    again = BackgroundJob.objects.exclude(pk=job.pk).get()
    assert again.if_match != job.if_match and again.operation == "release"


def test_check_now_brings_the_next_step_forward(client_for, operator, viewer, tenant):
    job = queue(tenant, find_invoice(tenant, "Balanced"))
    services.job_send(job.pk)
    url = reverse("operations:job_check", args=[job.pk])
    assert client_for(viewer).post(url).status_code == 403
    response = client_for(operator).post(url, follow=True)
    assert "next step runs now" in response.content.decode()


def test_the_lists_across_tenants(client_for, viewer, tenant):
    client = client_for(viewer)
    for name in ("operations:invoices", "operations:payments"):
        html = client.get(reverse(name)).content.decode()
        assert tenant.display_name in html and "Open" in html
    assert "Background jobs" in client.get(reverse("operations:jobs")).content.decode()
    index = client.get(reverse("operations:index")).content.decode()
    assert reverse("operations:tenant_invoices", args=[tenant.pk]) in index


def test_a_tenant_not_ready_gets_the_reason_and_no_erp_call(client_for, viewer, make_tenant):
    suspended = make_tenant("healthy", status="suspended")
    response = client_for(viewer).get(reverse("operations:tenant_invoices", args=[suspended.pk]))
    assert response.status_code == 409 and "Suspended" in response.content.decode()


def test_a_tenants_jobs_page_links_its_documents_only_when_it_is_ready(client_for, viewer, tenant):
    client = client_for(viewer)
    url = reverse("operations:tenant_jobs", args=[tenant.pk])
    invoices = reverse("operations:tenant_invoices", args=[tenant.pk])
    ready = client.get(url).content.decode()
    assert f'href="{invoices}"' in ready and 'id="operations-closed"' not in ready

    tenant.status = "onboarding"
    tenant.save(update_fields=["status"])
    closed = client.get(url).content.decode()
    assert f'href="{invoices}"' not in closed
    assert "Supplier documents are not available for this tenant now." in closed
    assert "ERP actions open once a check of this tenant passes every step." in closed
