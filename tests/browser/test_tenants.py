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
    expect(page.get_by_test_id("no-tenants")).to_contain_text("No tenants yet.")


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


def _tenant_ids(page) -> list[str]:
    return page.locator("#tenant-results tbody td[data-label='Tenant id']").all_inner_texts()


def test_the_sort_select_and_the_headers_are_one_sort(sign_in, page, live_server, viewer, clients):
    made = [onboard_demo(clients, scenario) for scenario in ("healthy", "no_license")]
    ids = sorted(t.tenant_id for t in made)
    sign_in(viewer)
    page.goto(f"{live_server.url}/tenants/")
    page.wait_for_load_state("load")
    page.get_by_label("Status").select_option("onboarding")
    expect(page).to_have_url(re.compile(r"status=onboarding"))
    # A header keeps the filter, and a second click sorts the other way round.
    header = page.locator("th a.sort", has_text="Tenant id")
    header.click()
    expect(page).to_have_url(re.compile(r"sort=tenant_id"))
    header.click()
    expect(page).to_have_url(re.compile(r"sort=-tenant_id"))
    expect(page).to_have_url(re.compile(r"status=onboarding"))
    expect(page.get_by_label("Sort")).to_have_value("-tenant_id")
    expect(page.get_by_label("Status")).to_have_value("onboarding")
    assert _tenant_ids(page) == ids[::-1]
    # Changing a filter keeps the order the header chose.
    page.wait_for_load_state("load")
    page.get_by_label("Per page").select_option("25")
    expect(page).to_have_url(re.compile(r"per_page=25"))
    expect(page).to_have_url(re.compile(r"sort=-tenant_id"))
    expect(page.locator("#tenant-results tbody td[data-label='Tenant id']")).to_have_text(ids[::-1])
    # The select offers the same order the other way round, and the headers follow it.
    page.get_by_label("Sort").select_option(label="Tenant id A to Z")
    expect(page).to_have_url(re.compile(r"sort=tenant_id"))
    expect(page.locator("#tenant-results tbody td[data-label='Tenant id']")).to_have_text(ids)
    expect(page.locator("th[aria-sort='ascending']")).to_have_text("Tenant id")
    # The count chips keep the order the select chose: they refresh with the results.
    page.locator("#tenant-counts").get_by_role("link", name=re.compile(r"^Onboarding")).click()
    expect(page).to_have_url(re.compile(r"status=onboarding"))
    expect(page).to_have_url(re.compile(r"sort=tenant_id"))
    expect(page.get_by_label("Sort")).to_have_value("tenant_id")
    # Health sorts the most problems first, and says so to screen readers (and with its arrow).
    page.locator("th a.sort", has_text="Health").click()
    expect(page).to_have_url(re.compile(r"sort=problems"))
    expect(page.locator("th[aria-sort='descending']")).to_have_text("Health")
    page.locator("th a.sort", has_text="Health").click()
    expect(page).to_have_url(re.compile(r"sort=-problems"))
    expect(page.locator("th[aria-sort='ascending']")).to_have_text("Health")


def test_no_match_under_filters_offers_to_clear_them(sign_in, page, live_server, viewer, clients):
    tenant = onboard_demo(clients, "healthy")
    sign_in(viewer)
    page.goto(f"{live_server.url}/tenants/?sort=-name")
    page.wait_for_load_state("load")
    page.get_by_label("Search").fill("no company has this name")
    empty = page.get_by_test_id("no-tenants")
    expect(empty).to_have_text(
        "No tenant matches these filters. Clear filters to see every tenant."
    )
    expect(empty.get_by_role("link", name="Add one")).to_have_count(0)
    empty.get_by_role("link", name="Clear filters").click()
    expect(page.locator("#tenant-results tbody tr")).to_have_count(1)
    expect(page.locator("#tenant-results")).to_contain_text(tenant.display_name)
    expect(page.get_by_label("Search")).to_have_value("")
    expect(page.get_by_label("Sort")).to_have_value("-name")


def test_an_empty_portal_offers_adding_to_an_operator(sign_in, page, live_server, operator):
    sign_in(operator)
    page.goto(f"{live_server.url}/tenants/")
    empty = page.get_by_test_id("no-tenants")
    expect(empty).to_contain_text("No tenants yet.")
    empty.get_by_role("link", name="Add one").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Add a tenant")


def test_an_onboarding_tenant_offers_no_operation_that_cannot_work(
    sign_in, page, live_server, operator, erp, clients
):
    tenant = onboard_demo(clients, "healthy")
    assert tenant.status == "onboarding"
    sign_in(operator)
    page.goto(f"{live_server.url}/tenants/{tenant.pk}/")
    nav = page.get_by_role("navigation", name="Operations on this tenant")
    expect(nav.get_by_role("link", name="Supplier invoices")).to_have_count(0)
    expect(nav.get_by_role("link", name="Supplier payments")).to_have_count(0)
    expect(nav).to_contain_text("Supplier invoices")
    expect(page.get_by_role("link", name="New sales order")).to_have_count(0)
    closed = page.locator("#operations-closed")
    expect(closed).to_contain_text("are not available for this tenant now.")
    expect(closed).to_contain_text("ERP actions open once a check of this tenant passes every step")
    # Its Background jobs page does not offer the documents either, and says why.
    nav.get_by_role("link", name="Background jobs").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Background jobs of")
    head = page.locator(".page-head")
    expect(head.get_by_role("link", name="Supplier invoices")).to_have_count(0)
    expect(head.get_by_role("link", name="Supplier payments")).to_have_count(0)
    expect(page.locator("#operations-closed")).to_contain_text("ERP actions open once a check")
    page.go_back()

    # Its first check passes every step: the page opens the operations, without a reload.
    page.get_by_role("button", name="Check now").click()
    expect(page.locator("#check-run").get_by_role("heading")).to_contain_text(
        "Passed", timeout=15_000
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Active")
    expect(closed).to_have_count(0)
    nav.get_by_role("link", name="Supplier invoices").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Supplier invoices of {Tenant.objects.get().display_name}"
    )
