"""Issue 9 in Chromium, as each role: Check now on an active tenant, suspension and reactivation,
tables on a phone, long names, the focus after a failed submit, tab titles, staff deactivation's
confirmation, the inbox's full remediation, editing a tenant's client and customer, customers,
Test credentials, the export link, and the demo's first minute."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect

from portal.roles import Role
from tenants import demo, health, services
from tenants.models import CheckTrigger, Customer, Tenant
from tests.factories import make_user
from tests.tenants.helpers import onboard_demo

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("isolated_world")]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


def _active(clients, scenario="healthy"):
    tenant = onboard_demo(clients, scenario)
    health.check_tenant(tenant=tenant, trigger=CheckTrigger.ONBOARDING)
    tenant.refresh_from_db()
    return tenant


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page is {width} px wide"


def test_check_now_on_an_active_tenant_runs_every_step(
    sign_in, page, live_server, operator, erp, clients
):
    tenant = _active(clients)
    assert tenant.status == "active"
    sign_in(operator)
    page.goto(f"{live_server.url}/tenants/{tenant.pk}/")
    page.get_by_role("button", name="Check now").click()
    card = page.locator("#check-run")
    expect(card.get_by_role("heading")).to_contain_text("Latest check")
    for step in ("token", "context", "financials", "salesorders", "ratelimit"):
        expect(card.locator(f'[data-step="{step}"]')).to_have_attribute(
            "data-status", "passed", timeout=15_000
        )
    expect(card.get_by_role("heading")).to_contain_text("Passed")
    expect(card).not_to_contain_text("Running")
    # The header is still there after the page refreshed it.
    expect(page.get_by_role("button", name="Check now")).to_be_visible()


def test_suspension_stops_checks_and_reactivation_asks_why(
    sign_in, page, live_server, operator, erp, clients
):
    tenant = _active(clients)
    sign_in(operator)
    page.goto(f"{live_server.url}/tenants/{tenant.pk}/")
    page.get_by_text("Suspend…").click()
    page.get_by_label("Why suspend it?").fill("Unpaid invoice")
    page.get_by_role("button", name="Suspend the tenant").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Suspended")
    expect(page.get_by_role("button", name="Check now")).to_have_count(0)
    expect(page.get_by_text("is suspended, so it is not checked")).to_be_visible()

    page.get_by_text("Reactivate…").click()
    page.get_by_role("button", name="Reactivate the tenant").click()
    # An empty reason is refused before anything is sent.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Suspended")
    page.get_by_label("Why reactivate it?").fill("Invoice paid")
    page.get_by_role("button", name="Reactivate the tenant").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Active")
    expect(page.get_by_role("button", name="Check now")).to_be_visible()
    tenant.refresh_from_db()
    assert tenant.status_reason == "Invoice paid"


@pytest.mark.parametrize(
    ("path", "label"),
    [("/tenants/", "Tenant id"), ("/usage/", "This hour"), ("/audit/", "Action")],
)
def test_tables_stack_on_a_phone(
    sign_in, page, live_server, viewer, operator, erp, clients, path, label
):
    for scenario in ("healthy", "no_license", "customer_tenant"):
        onboard_demo(clients, scenario)
    # A checked tenant with the longest problem badge ("App not approved for the company").
    _active(clients, "not_approved")
    services.tenant_update(
        actor=operator, tenant=Tenant.objects.first(), notes="audited so the log has rows"
    )
    page.set_viewport_size(PHONE)
    sign_in(viewer)
    page.goto(f"{live_server.url}{path}")
    cell = page.locator(f'table.stack td[data-label="{label}"]').first
    expect(cell).to_be_visible()
    shown = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert shown == f'"{label}"'
    _no_sideways_scroll(page)
    # Plain column names give way to the cells' own labels; sort links stay usable.
    for header in page.locator("table.stack thead th").all():
        if header.locator("a").count():
            expect(header.locator("a")).to_be_visible()
        else:
            expect(header).to_be_hidden()


def test_long_unbroken_names_wrap(sign_in, page, live_server, operator, clients):
    name = "Aktiebolaget" + "Ö" * 180  # 192 characters, no space
    tenant = onboard_demo(clients, "healthy", name=name)
    page.set_viewport_size(LAPTOP)
    sign_in(operator)
    for path in ("/tenants/", f"/tenants/{tenant.pk}/", f"/tenants/{tenant.pk}/edit/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_text(name).first).to_be_visible()
        _no_sideways_scroll(page)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/tenants/{tenant.pk}/")
    _no_sideways_scroll(page)


def test_a_failed_submit_puts_the_focus_on_the_first_error(
    sign_in, page, live_server, operator, clients
):
    sign_in(operator)
    page.goto(f"{live_server.url}/tenants/new/")
    assert page.title() == "Add a tenant · ISV portal"
    page.get_by_role("button", name="Save and verify").click()
    expect(page.get_by_label("Company tenant id")).to_be_focused()
    expect(page.get_by_label("Company tenant id")).to_have_attribute("aria-invalid", "true")

    customer = Customer.objects.create(name="Focus Test AS")
    page.goto(f"{live_server.url}/tenants/customers/{customer.pk}/edit/")
    page.get_by_label("Contact email").fill("not an email")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Contact email")).to_be_focused()


def test_tab_titles_name_the_page(sign_in, page, live_server, viewer):
    sign_in(viewer)
    page.goto(f"{live_server.url}/tenants/")
    assert page.title() == "Tenants · ISV portal"
    page.goto(f"{live_server.url}/usage/")
    assert page.title() == "Usage · ISV portal"
    response = page.goto(f"{live_server.url}/favicon.ico")
    assert response.ok and "svg" in response.headers["content-type"]


def test_deactivating_staff_asks_for_confirmation(sign_in, page, live_server, admin):
    member = make_user(Role.VIEWER, email="leaving@isv.example")
    sign_in(admin)
    page.goto(f"{live_server.url}/staff/")
    row = page.get_by_role("row").filter(has_text=member.email)
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    row.get_by_role("button", name="Deactivate").click()
    expect(row).to_contain_text("Active")
    assert asked and member.email in asked[0]
    member.refresh_from_db()
    assert member.is_active

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("row").filter(has_text=member.email)).to_contain_text("Deactivated")
    member.refresh_from_db()
    assert not member.is_active


def test_the_inbox_shows_what_to_do_in_full(sign_in, page, live_server, viewer, erp, clients):
    tenant = onboard_demo(clients, "no_license")
    health.check_tenant(tenant=tenant, trigger=CheckTrigger.MANUAL)
    remediation = tenant.issues.get().remediation
    sign_in(viewer)
    page.goto(f"{live_server.url}/tenants/issues/")
    cell = page.locator('td[data-label="What to do"]').first
    expect(cell.get_by_text(remediation, exact=True)).to_be_hidden()
    cell.locator("summary").click()
    expect(cell.get_by_text(remediation, exact=True)).to_be_visible()
    # The tenant page and the usage page link to each other.
    page.get_by_role("link", name=tenant.name).click()
    page.get_by_role("link", name="ERP usage").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(tenant.name)
    page.get_by_role("link", name="Tenant page").click()
    expect(page).to_have_url(re.compile(rf"/tenants/{tenant.pk}/$"))


def test_an_operator_moves_a_tenant_to_another_client_and_customer(
    sign_in, page, live_server, operator, viewer, erp, clients
):
    tenant = onboard_demo(clients, "healthy")
    Customer.objects.create(name="Nordlys Nye AS")
    sign_in(operator)
    page.goto(f"{live_server.url}/tenants/{tenant.pk}/")
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("API client").select_option(label=clients["test"].name)
    page.get_by_label("Customer").select_option(label="Nordlys Nye AS")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#toasts")).to_contain_text("is saved")
    expect(page.locator("#client-title + dl")).to_contain_text(clients["test"].name)
    page.get_by_role("link", name="Nordlys Nye AS").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nordlys Nye AS")
    expect(page.get_by_role("row").filter(has_text=tenant.name)).to_be_visible()
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Organisation number").fill("NO 999 888 777")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".details")).to_contain_text("NO 999 888 777")

    page.get_by_role("button", name="Sign out").click()
    sign_in(viewer)
    page.goto(f"{live_server.url}/tenants/customers/")
    page.get_by_role("link", name="Nordlys Nye AS").click()
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    page.goto(f"{live_server.url}/tenants/{tenant.pk}/")
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)


def test_an_admin_tests_an_api_clients_credentials(sign_in, page, live_server, admin, erp, clients):
    onboard_demo(clients, "healthy")
    sign_in(admin)
    page.goto(f"{live_server.url}/tenants/clients/")
    page.get_by_role("link", name=clients["production"].name).click()
    page.get_by_role("button", name="Test credentials").click()
    expect(page.locator("#toasts")).to_contain_text("Visma Connect issued a token")


def test_the_export_link_keeps_the_dashboard_filters(sign_in, page, live_server, viewer, clients):
    for scenario in ("healthy", "near_limit"):
        onboard_demo(clients, scenario, "test" if scenario == "near_limit" else "production")
    sign_in(viewer)
    page.goto(f"{live_server.url}/usage/")
    page.get_by_label("Test clients").check()
    expect(page.locator("#usage-table tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Export CSV").click()
    chosen = page.get_by_label("Companies").locator("option:checked")
    expect(chosen).to_have_count(1)
    expect(chosen).to_contain_text("isv_demo_test")
    expect(page.get_by_label("From (UTC date)")).not_to_have_value("")
    expect(page.get_by_label("To (UTC date, included)")).not_to_have_value("")


def test_a_newcomer_onboards_a_demo_tenant_named_on_the_dashboard(
    sign_in, page, live_server, operator, erp, settings
):
    settings.PORTAL_SANDBOX = True
    demo.seed(stdout=io.StringIO())
    sign_in(operator)
    hint = page.locator("#try-onboarding")
    expect(hint).to_contain_text("Solberga Trävaror AB")
    tenant_id = "6e2a4c1b-9d3f-4a7b-8c82-3f5d7b9e1a22"
    expect(hint).to_contain_text(tenant_id)
    hint.get_by_role("link", name="Add a tenant").click()
    page.get_by_label("Company tenant id").fill(tenant_id.replace("-", "").upper())
    page.get_by_label("API client").select_option(label="Demo ISV integration (production client)")
    page.get_by_label("Customer", exact=True).select_option(label="Solberga Koncern AB")
    page.get_by_role("button", name="Save and verify").click()
    expect(page.locator('#check-run [data-step="salesorders"]')).to_have_attribute(
        "data-status", "passed", timeout=15_000
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Active")
    page.goto(f"{live_server.url}/")
    expect(page.locator("#try-onboarding")).not_to_contain_text("Solberga")
