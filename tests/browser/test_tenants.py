"""Tenants in Chromium: add a tenant and watch the verification steps, import a CSV with one bad
row and see nothing imported, open a problem tenant and copy the message for the customer."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tenants import health
from tenants.models import CheckTrigger, Tenant
from tests.tenants.helpers import onboard_demo

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("isolated_world")]

NORDLYS = "5d1f3b0a-8c2e-4f6a-9b71-2e4c6a8d0f11"
SOLBERGA = "6e2a4c1b-9d3f-4a7b-8c82-3f5d7b9e1a22"


@pytest.mark.smoke
def test_add_a_tenant_and_watch_the_steps(sign_in, page, live_server, operator, erp, clients):
    sign_in(operator)
    page.goto(f"{live_server.url}/tenants/")
    page.get_by_role("link", name="Add a tenant").click()
    page.get_by_label("Company tenant id").fill(NORDLYS)
    page.get_by_label("API client").select_option(label=clients["production"].name)
    page.get_by_label("Customer", exact=True).select_option(label="+ A new customer")
    page.get_by_label("New customer's name").fill("Nordlys Gruppen AS")
    page.get_by_role("button", name="Save and verify").click()

    verification = page.locator("#check-run")
    expect(verification.get_by_role("heading")).to_contain_text("Verification")
    for step in ("token", "context", "financials", "salesorders"):
        expect(verification.locator(f'[data-step="{step}"]')).to_have_attribute(
            "data-status", "passed", timeout=15_000
        )
    expect(verification).to_contain_text("Nordlys Handel AS")  # the company the token works on
    expect(verification.get_by_role("heading")).to_contain_text("Passed")
    assert Tenant.objects.get().status == "active"
    # The page's own header follows: the discovered name and the new status, without a reload.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nordlys Handel AS")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Active")
    expect(page.locator("#tenant-summary")).to_contain_text("id 4712001")


def test_a_failing_step_shows_who_must_act(sign_in, page, live_server, operator, erp, clients):
    sign_in(operator)
    page.goto(f"{live_server.url}/tenants/new/")
    page.get_by_label("Company tenant id").fill("915d7f4e-2a6c-4dae-9fb5-6c8a0e2b4d55")
    page.get_by_label("Name", exact=True).fill("Järnviken Verkstad AB")
    page.get_by_label("Customer", exact=True).select_option(label="+ A new customer")
    page.get_by_label("New customer's name").fill("Järnviken Industri AB")
    page.get_by_role("button", name="Save and verify").click()

    context_step = page.locator('#check-run [data-step="context"]')
    expect(context_step).to_have_attribute("data-status", "failed", timeout=15_000)
    expect(context_step.get_by_role("alert")).to_contain_text("No license for this company (12027)")
    expect(context_step.get_by_role("alert")).to_contain_text("Customer administrator")
    # The issues below the check refresh on their own when it finishes.
    expect(page.locator("#health")).to_contain_text("Message for the customer")


def test_a_bad_tenant_id_is_explained_in_the_form(sign_in, page, live_server, operator, clients):
    sign_in(operator)
    page.goto(f"{live_server.url}/tenants/new/")
    page.get_by_label("Company tenant id").fill("5d1f3b0a-8c2e")
    page.get_by_label("Customer", exact=True).select_option(label="+ A new customer")
    page.get_by_label("New customer's name").fill("Anyone AS")
    page.get_by_role("button", name="Save and verify").click()
    expect(page.get_by_role("alert")).to_contain_text("is not a tenant id")
    assert not Tenant.objects.exists()


def test_import_a_csv_with_one_bad_row_imports_nothing(
    sign_in, page, live_server, operator, clients
):
    csv = (
        "tenant id,name,customer,client\n"
        f"{NORDLYS},Nordlys Handel AS,Nordlys Gruppen AS,isv_demo_prod\n"
        f"{SOLBERGA},Solberga Trävaror AB,Solberga Koncern AB,isv_demo_test\n"
        "7f3b5d2c-0e4a-4b8c-9d93,Kvarnby Bageri AB,Kvarnby Bageri AB,isv_demo_test\n"
    )
    sign_in(operator)
    page.goto(f"{live_server.url}/tenants/")
    page.get_by_role("link", name="Import CSV").click()
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "tenants.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.get_by_role("button", name="Preview").click()

    preview = page.locator("#preview")
    expect(preview).to_contain_text("2 new")
    expect(preview).to_contain_text("1 with problems")
    expect(preview.locator('[data-line="4"]')).to_contain_text("is not a tenant id")
    expect(preview.get_by_role("button", name=re.compile("Import"))).to_have_count(0)
    assert not Tenant.objects.exists()

    page.goto(f"{live_server.url}/tenants/")
    expect(page.get_by_text("No tenants match.")).to_be_visible()


def test_open_a_problem_tenant_and_copy_the_customer_message(
    sign_in, page, live_server, viewer, erp, clients
):
    tenant = onboard_demo(clients, "customer_tenant")
    health.check_tenant(tenant=tenant, trigger=CheckTrigger.MANUAL)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)

    sign_in(viewer)
    page.goto(f"{live_server.url}/tenants/")
    page.get_by_role("link", name="Customer tenant id used").click()  # the problem counts
    page.get_by_role("link", name="Bergström Bygg AB").click()

    issue = page.get_by_role("article").filter(has_text="customer tenant id")
    expect(issue).to_contain_text("Who must act: Customer administrator")
    issue.get_by_role("button", name="Copy message for customer").click()
    expect(page.locator("#toasts")).to_contain_text(
        "The message for the customer is on the clipboard."
    )
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "Visma.net Admin → Company → Edit → Configuration → Tenant id" in copied
    assert tenant.tenant_id in copied
