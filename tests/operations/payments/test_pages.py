"""Supplier payments: the list per tenant, one payment, and its release as a background job."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from operations.jobs import services
from operations.jobs.models import BackgroundJob, JobOutcome
from tests.operations.jobs.helpers import run_until_ended

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenant(erp_settings, make_tenant):
    return make_tenant("healthy")


def test_list_and_release_a_payment(client_for, operator, tenant, advance_sandbox_clock):
    client = client_for(operator)
    listing = client.get(
        reverse("operations:tenant_payments", args=[tenant.pk]), {"status": "Balanced"}
    ).content.decode()
    assert "300001" in listing and "ERP call" in listing
    detail = client.get(
        reverse("operations:payment", args=[tenant.pk, "Payment", "300001"])
    ).content.decode()
    assert 'data-action="payment_release"' in detail
    # Every amount carries its currency: the balance and what each invoice is paid.
    balance = re.search(r"<dt>Balance</dt><dd>([^<]*)</dd>", detail).group(1)
    assert re.fullmatch(r"[\d,]+\.\d\d [A-Z]{3}", balance), balance
    paid = re.findall(r"</a>: ([\d,.]+ [A-Z]{3}) \(invoice balance now [\d,.]+ [A-Z]{3}\)", detail)
    assert paid, detail.split("What it pays", 1)[1][:500]
    block = detail.split('data-action="payment_release"', 1)[1]
    data = {
        n: v.replace("&quot;", '"')
        for n, v in re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', block)
    }
    response = client.post(
        reverse("operations:payment_release", args=[tenant.pk, "Payment", "300001"]), data
    )
    job = BackgroundJob.objects.get()
    assert response["Location"] == reverse("operations:job", args=[job.pk])
    services.job_send(job.pk)
    job = run_until_ended(job, advance_sandbox_clock)
    assert job.outcome == JobOutcome.VERIFIED and job.verified_status == "Closed"


def test_bad_filters_ask_nothing_of_the_erp(client_for, viewer, tenant, sandbox):
    # The list page is the shared Financials list: a bad filter is a message, as for invoices.
    before = len(sandbox.control("GET", "/_sandbox/requests"))
    response = client_for(viewer).get(
        reverse("operations:tenant_payments", args=[tenant.pk]), {"status": "Paid twice"}
    )
    assert response.status_code == 200
    assert "Nothing was asked of the ERP" in response.content.decode()
    assert len(sandbox.control("GET", "/_sandbox/requests")) == before


def test_a_held_payment_offers_no_release(client_for, operator, tenant):
    detail = client_for(operator).get(
        reverse("operations:payment", args=[tenant.pk, "Payment", "300007"])
    )
    html = detail.content.decode()
    assert 'data-action="payment_release"' not in html and "on hold" in html


def test_viewer_cannot_release(client_for, viewer, tenant):
    url = reverse("operations:payment_release", args=[tenant.pk, "Payment", "300001"])
    assert client_for(viewer).post(url, {}).status_code == 403


def test_a_payment_changed_before_its_release_ran_gets_the_conflict_view(
    client_for, operator, tenant, erp_settings, advance_sandbox_clock
):
    from operations.erp import StaffClient
    from operations.jobs.services import job_queue

    with StaffClient(tenant) as erp:
        payment = erp.client.supplier_payments.get("300002", "Payment")
    job, _ = job_queue(
        actor=operator,
        tenant=tenant,
        operation="payment_release",
        document_type="Payment",
        document_number="300002",
        if_match=payment.etag,
        seen={"status": payment.status},
    )
    services.job_send(job.pk)
    erp_settings.control(
        "POST",
        f"/_sandbox/tenants/{tenant.tenant_id}/supplier-payments/Payment/300002/touch",
        {"description": "Changed in the ERP"},
    )
    job = run_until_ended(job, advance_sandbox_clock)
    assert job.outcome == JobOutcome.CONFLICT
    html = client_for(operator).get(reverse("operations:job_conflict", args=[job.pk]))
    body = html.content.decode()
    assert 'data-field="version"' in body and 'data-field="approval_status"' not in body
    assert "Confirm again: release on the latest version" in body
    assert reverse("operations:payment_release", args=[tenant.pk, "Payment", "300002"]) in body
