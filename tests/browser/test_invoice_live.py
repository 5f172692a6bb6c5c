"""In Chromium: the sandbox changes a supplier invoice's status "in the ERP", its signed dispatcher
event reaches the live portal's inbox, and the open invoice page shows the new status and version
without a reload, keeping whatever form the person was filling and offering "Load the new
version". Celery runs each queued task at once, in the request's thread (as in
test_webhooks.py), so the event's refresh runs before the sandbox's delivery is answered."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.celery import app
from tests.erpclient.conftest import DEMO_TEST_CLIENT
from tests.operations.jobs.helpers import find_invoice
from tests.tenants.helpers import onboard_demo
from webhooks.models import DeliveryStatus, InboundDelivery, SigningKey, Subscription

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("isolated_world")]

KEY = "browser-invoice-events-key-0001"
SUBSCRIPTION = "browser-invoice-events"


@pytest.fixture
def celery_inline():
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def tenant(clients, erp, settings, live_server, celery_inline):
    """An active tenant whose ERP events the sandbox signs and posts to the live portal."""
    settings.OPERATIONS_INVOICE_POLL_SECONDS = 0.5
    tenant = onboard_demo(clients, "healthy", "test")
    tenant.status = "active"
    tenant.save(update_fields=["status"])
    subscription = Subscription.objects.create(name="ERP events", dispatcher_id=SUBSCRIPTION)
    SigningKey.objects.create(subscription=subscription, label="first key", secret=KEY)
    erp.control(
        "POST",
        "/_sandbox/subscriptions",
        {
            "id": SUBSCRIPTION,
            "client_id": DEMO_TEST_CLIENT,
            "url": f"{live_server.url}/webhooks/in/visma/",
            "key": KEY,
            "tenant_id": tenant.tenant_id,
            "events": ["apinvoice_statuschanged"],
        },
    )
    return tenant


def _open(page, live_server, tenant, invoice, suffix=""):
    page.goto(
        f"{live_server.url}/operations/tenants/{tenant.pk}/invoices/"
        f"{invoice.document_type}/{invoice.number}/{suffix}"
    )


def _change_in_the_erp(erp, tenant, invoice, status: str) -> None:
    """Someone changes the invoice in Visma.net: the sandbox sends its signed event."""
    erp.control(
        "POST",
        f"/_sandbox/tenants/{tenant.tenant_id}/supplier-invoices/"
        f"{invoice.document_type}/{invoice.number}/touch",
        {"status": status},
    )
    erp.control("POST", "/_sandbox/webhooks/flush")
    delivery = InboundDelivery.objects.get(event_type="apinvoice_statuschanged")
    assert delivery.status == DeliveryStatus.PROCESSED, delivery.last_error


def _count_navigations(page) -> list[str]:
    seen: list[str] = []
    page.on(
        "framenavigated", lambda frame: seen.append(frame.url) if frame == page.main_frame else None
    )
    return seen


def test_a_viewer_sees_the_new_status_without_a_reload_and_loads_the_new_version(
    sign_in, page, live_server, viewer, tenant, erp
):
    invoice = find_invoice(tenant, "Balanced")
    sign_in(viewer)
    _open(page, live_server, tenant, invoice)
    expect(page.get_by_test_id("invoice-status")).to_have_text("Balanced")
    old_version = page.get_by_test_id("invoice-version").inner_text()
    navigations = _count_navigations(page)

    _change_in_the_erp(erp, tenant, invoice, "Open")

    expect(page.get_by_test_id("invoice-status")).to_have_text("Open")
    notice = page.get_by_test_id("invoice-changed")
    expect(notice).to_contain_text("Changed in the ERP at")
    expect(notice).to_contain_text("it is now Open")
    expect(page.get_by_test_id("invoice-version")).not_to_have_text(old_version)
    assert navigations == [], "the page was not reloaded"

    notice.get_by_role("link", name="Load the new version").click()
    expect(page.get_by_test_id("invoice-changed")).to_have_count(0)
    expect(page.get_by_test_id("invoice-status")).to_have_text("Open")
    expect(page.get_by_test_id("invoice-version")).not_to_have_text(old_version)


@pytest.mark.parametrize("role", ["operator", "admin"])
def test_a_form_being_filled_is_kept_when_the_invoice_changes(
    sign_in, page, live_server, tenant, erp, role, request
):
    invoice = find_invoice(tenant, "Balanced")
    sign_in(request.getfixturevalue(role))
    _open(page, live_server, tenant, invoice)
    prebook = page.locator('details[data-action="prebook"]')
    prebook.locator("summary").click()
    chosen = prebook.get_by_label("Subaccount").locator("option").last.get_attribute("value")
    prebook.get_by_label("Subaccount").select_option(chosen)

    _change_in_the_erp(erp, tenant, invoice, "Open")

    expect(page.get_by_test_id("invoice-status")).to_have_text("Open")
    notice = page.get_by_test_id("invoice-changed")
    expect(notice).to_contain_text("any form on it still hold the version you opened")
    expect(prebook).to_have_attribute("open", "")
    expect(prebook.get_by_label("Subaccount")).to_have_value(chosen)

    # Sent anyway, the action carries the version the form was opened with: the job ends in a
    # conflict rather than overwriting the change (tests/browser/test_supplier.py follows such a
    # job); here "Load the new version" shows what the new state allows.
    notice.get_by_role("link", name="Load the new version").click()
    expect(page.get_by_test_id("invoice-changed")).to_have_count(0)
    expect(page.locator('details[data-action="prebook"]')).to_have_count(0)
    expect(page.locator('details[data-action="release"]')).to_have_count(0)


def test_the_header_edit_keeps_what_was_typed_and_offers_the_new_version(
    sign_in, page, live_server, operator, tenant, erp
):
    invoice = find_invoice(tenant, "Balanced")
    sign_in(operator)
    _open(page, live_server, tenant, invoice, "edit/")
    description = page.get_by_label("Description")
    description.fill("Checked against the delivery note")

    _change_in_the_erp(erp, tenant, invoice, "Open")

    notice = page.get_by_test_id("invoice-changed")
    expect(notice).to_contain_text("What you typed here is kept")
    expect(notice).to_contain_text("it is now Open")
    expect(description).to_have_value("Checked against the delivery note")

    notice.get_by_role("link", name="Load the new version").click()
    expect(page.get_by_test_id("invoice-changed")).to_have_count(0)
    expect(page.get_by_label("Description")).to_have_value(invoice.description or "")
    page.get_by_label("Description").fill("Saved on the new version")
    page.get_by_role("button", name="Save the header").click()
    expect(page.get_by_text("Saved. The invoice's version is now")).to_be_visible()
    expect(page.get_by_test_id("invoice-description")).to_have_text("Saved on the new version")
    expect(page.get_by_test_id("invoice-status")).to_have_text("Open")
