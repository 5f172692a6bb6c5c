"""The webhook inbox, status.visma.com and Visma.net buttons in Chromium, with the sandbox posting
to the live portal over real HTTP (Celery runs each queued task at once, in the request's
thread, so the page shows the result without a worker process)."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from operations.webhook_models import AutomationRun
from portal.celery import app
from tests.erpclient.conftest import DEMO_TEST_CLIENT
from tests.tenants.helpers import onboard_demo
from webhooks.models import DeliveryStatus, InboundDelivery
from webhooks.verification import sign

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("isolated_world")]

NORDLYS = "5d1f3b0a-8c2e-4f6a-9b71-2e4c6a8d0f11"
KEY = "browser-subscription-key-000001"


@pytest.fixture
def celery_inline():
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def statuspage_here(erp, settings):
    settings.TENANTS_STATUSPAGE_URL = erp.url
    return erp


def add_subscription_and_key(page, live_server):
    """As an admin: Webhooks → Keys and URLs → a subscription and its key."""
    page.goto(f"{live_server.url}/webhooks/")
    # The page's action (an empty inbox also names the page in its sentence).
    page.locator(".actions").get_by_role("link", name="Keys and URLs").click()
    form = page.locator("#subscription-form")
    form.get_by_label("Name").fill("ERP events")
    form.get_by_label("Dispatcher subscription id").fill("browser-sub")
    form.get_by_role("button", name="Add subscription").click()
    expect(page.locator("#toasts")).to_contain_text("Subscription added")
    key_form = page.get_by_role("form", name="Add a key to ERP events")
    key_form.get_by_label("Label").fill("first key")
    key_form.get_by_label("Signature key").fill(KEY)
    key_form.get_by_role("button", name="Add key").click()
    expect(page.get_by_role("table", name="Keys of ERP events")).to_contain_text("first key")
    expect(page.locator("body")).not_to_contain_text(KEY)


def test_an_incident_puts_up_the_banner_and_its_resolution_takes_it_down(
    sign_in, page, live_server, admin, statuspage_here, celery_inline
):
    sandbox = statuspage_here
    sign_in(admin)
    page.goto(f"{live_server.url}/webhooks/verification/")
    page.locator("#statuspage-form").get_by_label("Label").fill("status.visma.com")
    page.get_by_role("button", name="Make a new URL").click()
    shown = page.locator("#new-statuspage-url")
    expect(shown).to_contain_text("shown only now")
    url = re.search(r"https?://\S+/webhooks/in/statuspage/\S+/", shown.inner_text()).group(0)

    answer = sandbox.control(
        "POST",
        "/_sandbox/statuspage",
        {"url": url, "kind": "incident_created", "name": "API errors"},
    )
    assert answer["delivery"]["status"] == 202
    page.goto(f"{live_server.url}/")
    banner = page.locator(".site-banner")
    expect(banner).to_contain_text("API errors")
    banner.get_by_role("link", name="See the incident").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("status.visma.com")
    expect(page.locator("#current-outage")).to_contain_text("the sweep is waiting")

    sandbox.control("POST", "/_sandbox/statuspage", {"url": url, "kind": "incident_resolved"})
    page.goto(f"{live_server.url}/tenants/")
    expect(page.locator(".site-banner")).to_have_count(0)
    page.goto(f"{live_server.url}/tenants/status/")
    expect(page.locator("#current-outage")).to_contain_text("No open incident")

    # The retired URL is refused from then on (and the refusal is in the inbox).
    page.goto(f"{live_server.url}/webhooks/verification/")
    page.get_by_role("button", name="Retire status.visma.com").click()
    expect(page.locator("#toasts")).to_contain_text("retired")
    refused = sandbox.control(
        "POST", "/_sandbox/statuspage", {"url": url, "kind": "incident_created"}
    )
    assert refused["delivery"]["status"] == 404


def test_pressing_a_mapped_button_runs_a_check_visible_on_the_tenant_page(
    sign_in, page, live_server, admin, erp, clients, celery_inline
):
    sandbox = erp
    tenant = onboard_demo(clients, "healthy", "test")
    sign_in(admin)
    add_subscription_and_key(page, live_server)
    sandbox.control(
        "POST",
        "/_sandbox/subscriptions",
        {
            "id": "browser-sub",
            "client_id": DEMO_TEST_CLIENT,
            "url": f"{live_server.url}/webhooks/in/visma/",
            "key": KEY,
            "tenant_id": NORDLYS,
        },
    )

    from tenants.erp import erp_for

    with erp_for(tenant) as client:
        order = client.sales_orders.page(page_size=1).items[0]
    entity = f"{order.type}/{order.order_id}"

    def press(parameter: str) -> None:
        sandbox.control(
            "POST",
            "/_sandbox/events",
            {
                "tenant_id": NORDLYS,
                "event": "SALESORDER_UI_CUSTOMACTION",
                "entity_id": entity,
                "parameter": parameter,
            },
        )
        sandbox.control("POST", "/_sandbox/webhooks/flush")

    # Unmapped first: kept and shown, with a link that fills in the mapping form.
    press("recheck")
    page.goto(f"{live_server.url}/operations/")
    page.get_by_role("link", name="Visma.net buttons").click()
    runs = page.locator("#automation-runs")
    expect(runs).to_contain_text("No mapping for SALESORDER_UI_CUSTOMACTION")
    runs.get_by_role("link", name="Map it").click()
    form = page.locator("#mapping-form")
    expect(form.get_by_label("ERP event")).to_have_value("SALESORDER_UI_CUSTOMACTION")
    expect(form.get_by_label("Webhook parameter")).to_have_value("recheck")
    form.get_by_label("Portal action").select_option(label="Check this tenant now")
    form.get_by_role("button", name="Save mapping").click()
    expect(page.locator("#toasts")).to_contain_text("Mapping saved")

    press("recheck")
    assert AutomationRun.objects.filter(status="done").count() == 1
    page.goto(f"{live_server.url}/tenants/{tenant.pk}/")
    history = page.locator("section", has=page.get_by_role("heading", name="Check history"))
    expect(history).to_contain_text("Visma.net button")

    # The presses filter by result.
    page.goto(f"{live_server.url}/operations/automation/")
    runs = page.locator("#automation-runs")
    page.locator("#runs-filter").get_by_label("Status").select_option(label="Done")
    expect(runs).not_to_contain_text("No mapping for")
    expect(runs).to_contain_text("Checked Nordlys")
    # Disabled, a press is kept as unmapped again.
    page.get_by_role("button", name=re.compile("^Disable ")).click()
    expect(page.locator("#toasts")).to_contain_text("Mapping disabled")
    page.get_by_role("button", name=re.compile("^Enable ")).click()
    expect(page.locator("#toasts")).to_contain_text("Mapping enabled")


def test_the_inbox_for_each_role(sign_in, page, live_server, admin, operator, viewer, db):
    from webhooks.models import SigningKey, Subscription

    subscription = Subscription.objects.create(name="ERP events")
    SigningKey.objects.create(subscription=subscription, label="k", secret=KEY)
    import json

    import httpx

    for event in ("apinvoice_statuschanged", "customer_changed"):
        body = json.dumps({"notificationId": str(uuid.uuid4()), "eventId": event}).encode()
        httpx.post(
            f"{live_server.url}/webhooks/in/visma/",
            content=body,
            headers={
                "content-type": "application/json",
                "x-vwd-signature-v1": sign(body, KEY),
                "x-vwd-event-id": event,
                "x-vwd-tenant-id": NORDLYS,
            },
        )
    httpx.post(
        f"{live_server.url}/webhooks/in/visma/",
        content=b"{}",
        headers={"content-type": "application/json", "x-vwd-signature-v1": "forged"},
    )
    failed = InboundDelivery.objects.get(event_type="apinvoice_statuschanged")
    InboundDelivery.objects.filter(pk=failed.pk).update(
        status=DeliveryStatus.FAILED, last_error="RuntimeError: boom", traceback="Traceback: boom"
    )

    sign_in(viewer)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("table", name="Deliveries")).to_contain_text("customer_changed")
    page.get_by_label("Status").select_option(label="Rejected")
    results = page.locator("#delivery-results")
    expect(results).not_to_contain_text("customer_changed")
    expect(results.get_by_role("cell", name="No")).to_have_count(1)
    page.get_by_label("Status").select_option(label="Any")
    page.get_by_label("Event").fill("apinvoice")
    # Typing filters after a pause: wait for that answer, not the one for "Any" before it.
    expect(page).to_have_url(re.compile(r"event=apinvoice"))
    expect(results).not_to_contain_text("customer_changed")
    results.get_by_role("link", name=str(failed.pk)).click()
    expect(page.locator("#traceback")).to_contain_text("Traceback: boom")
    expect(page.locator("#headers")).to_contain_text("••••••••")
    expect(page.get_by_role("button", name="Process again")).to_have_count(0)
    expect(page.get_by_role("link", name="Keys and URLs")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()

    sign_in(operator)
    page.goto(f"{live_server.url}/webhooks/deliveries/{failed.pk}/")
    expect(page.get_by_role("button", name="Process again")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()

    sign_in(admin)
    page.goto(f"{live_server.url}/webhooks/deliveries/{failed.pk}/")
    page.get_by_role("button", name="Process again").click()
    expect(page.locator("#toasts")).to_contain_text("queued to be processed again")
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.QUEUED

    page.goto(f"{live_server.url}/webhooks/")
    range_form = page.locator("#reprocess-range")
    range_form.get_by_label("Received from").fill("2026-12-02T23:00")
    range_form.get_by_label("Received before").fill("2026-12-02T22:00")
    range_form.get_by_role("button", name="Process again").click()
    expect(page.locator("#reprocess-range")).to_contain_text("must come after its start")
    range_form = page.locator("#reprocess-range")
    range_form.get_by_label("Received from").fill("2001-01-01T00:00")
    range_form.get_by_label("Received before").fill("2099-01-01T00:00")
    # Only statuses that may be processed again are offered.
    expect(range_form.get_by_label("Ignored: duplicate")).to_have_count(0)
    range_form.get_by_label("Failed").check()
    range_form.get_by_role("button", name="Process again").click()
    # The one failed delivery is queued already (above): the range matches nothing, and says so
    # rather than "0 deliveries are queued".
    expect(page.locator("#toasts")).to_contain_text("nothing was queued")
    expect(page.locator("#toasts")).not_to_contain_text("deliveries are queued")

    page.goto(f"{live_server.url}/webhooks/verification/")
    page.get_by_role("button", name="Retire k").click()
    expect(page.locator("#toasts")).to_contain_text("retired")
    assert not SigningKey.objects.get().active


@pytest.mark.parametrize("role", ["admin", "viewer"])
def test_the_empty_inbox_points_to_keys_and_urls_only_for_admins(
    sign_in, page, live_server, admin, viewer, role, db
):
    sign_in({"admin": admin, "viewer": viewer}[role])
    page.goto(f"{live_server.url}/webhooks/")
    empty = page.get_by_test_id("no-deliveries")
    if role == "viewer":
        expect(empty.get_by_role("link")).to_have_count(0)
        expect(empty).to_contain_text("ask an admin to check them")
        expect(page.get_by_role("link", name="Keys and URLs")).to_have_count(0)
        return
    empty.get_by_role("link", name="Keys and URLs").click()
    expect(page).to_have_url(re.compile(r"/webhooks/verification/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
