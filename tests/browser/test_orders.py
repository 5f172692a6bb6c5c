"""Sales orders in Chromium against the sandbox: a two-line order (drop ship from the item's
default, purchase to order set by hand) ends up in the ERP with those sources; a refused order
shows the error on its line and keeps every value; a double-clicked Create makes one order; a
company at its limit gets the held message; a viewer sees no Create; an unknown outcome is
checked in the ERP."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from erpclient import ErpClient
from operations.erp import StaffClient
from operations.orders.models import Outcome, PortalOrder
from tests.conftest import sandbox_away_from_the_hour
from tests.tenants.helpers import onboard_demo

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("isolated_world")]


@pytest.fixture
def tenant(erp, clients):
    tenant = onboard_demo(clients, "healthy")
    tenant.status = "active"
    tenant.save(update_fields=["status"])
    return tenant


def _erp_client(sandbox, tenant):
    return ErpClient.sandbox(
        sandbox.url,
        client_id=tenant.api_client.client_id,
        client_secret=tenant.api_client.client_secret.reveal(),
        tenant_id=tenant.tenant_id,
    )


def _creates(sandbox):
    return [
        e
        for e in sandbox.control("GET", "/_sandbox/requests?limit=5000")
        if e["method"] == "POST" and e["path"] == "/api/v3/SalesOrders"
    ]


def _settled(page):
    """Wait until htmx has no request in flight and has finished swapping and settling."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


def _open_form(page, live_server, tenant):
    page.goto(f"{live_server.url}/tenants/{tenant.pk}/")
    page.get_by_role("link", name="New sales order").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("New sales order")
    # htmx binds the fields once the page has loaded; typing earlier would go unheard.
    page.wait_for_load_state("load")


def _pick_customer(page, text="Bergen", name="10000 Bergen Sportsbutikk AS"):
    page.get_by_label("Customer", exact=True).fill(text)
    page.locator("#customer-suggest").get_by_role("button", name=re.compile(name)).click()
    expect(page.locator("#customer-picked")).to_contain_text(name)
    _settled(page)


def _pick_item(page, line, typed, item_id):
    page.get_by_label(f"Line {line + 1}, item").fill(typed)
    suggest = page.locator(f"#line-{line}-suggest")
    suggest.get_by_role("button", name=re.compile(rf"^{item_id} ")).click()
    expect(page.get_by_label(f"Line {line + 1}, item")).to_have_value(item_id)
    _settled(page)


def _two_lines(page):
    _pick_item(page, 0, "BIKE", "BIKE-CITY")
    expect(page.locator("#line-0")).to_contain_text("default from the item")
    expect(page.get_by_label("Line 1, purchase")).to_have_value("dropShip")
    page.get_by_label("Line 1, quantity").fill("2")
    # Add a line with the keyboard: focus the button and press Enter.
    page.get_by_role("button", name="Add line").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Line 2, item")).to_be_focused()
    _settled(page)
    _pick_item(page, 1, "STOCK", "STOCKITEM1")
    page.get_by_label("Line 2, purchase").select_option("purchaseToOrder")
    expect(page.get_by_label("Line 2, supplier")).to_be_visible()
    _settled(page)
    page.get_by_label("Line 2, quantity").fill("3")


def test_a_two_line_order_reaches_the_erp_with_its_purchase_sources(
    sign_in, page, live_server, operator, tenant, sandbox
):
    sign_in(operator)
    _open_form(page, live_server, tenant)
    _pick_customer(page)
    _two_lines(page)
    # A third line added and removed again.
    page.get_by_role("button", name="Add line").click()
    expect(page.get_by_label("Line 3, item")).to_be_visible()
    _settled(page)
    page.get_by_role("button", name="Remove line 3").click()
    expect(page.get_by_label("Line 3, item")).to_have_count(0)
    expect(page.get_by_label("Line 2, item")).to_have_value("STOCKITEM1")
    _settled(page)

    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#order-preview")
    expect(preview).to_contain_text('"purchaseOrderSource": "dropShip"')
    expect(preview).to_contain_text('"purchaseOrderSource": "purchaseToOrder"')
    _settled(page)
    page.get_by_role("button", name="Create order").click()

    expect(page.locator("#order-outcome")).to_have_text("Created")
    expect(page.locator("#erp-lines .po-source")).to_have_text(["Drop ship", "Purchase to order"])
    expect(page.locator("#erp-etag")).not_to_have_text("—")
    order = PortalOrder.objects.get()
    with _erp_client(sandbox, tenant) as client:
        lines = client.sales_orders.lines("SO", order.erp_order_id).items
    assert [(ln.inventory.id, ln.purchase_order_source) for ln in lines] == [
        ("BIKE-CITY", "dropShip"),
        ("STOCKITEM1", "purchaseToOrder"),
    ]
    assert all(ln.supplier is not None for ln in lines)


def test_a_refused_order_shows_the_error_on_its_line_and_keeps_every_value(
    sign_in, page, live_server, operator, tenant, sandbox
):
    sign_in(operator)
    _open_form(page, live_server, tenant)
    _pick_customer(page)
    page.get_by_label("Customer reference").fill("REF-42")
    page.get_by_label("Description", exact=True).fill("Refused on purpose")
    _two_lines(page)
    page.get_by_label("Line 2, supplier").fill("50010")  # inactive: the ERP refuses it

    page.get_by_role("button", name="Create order").click()

    line_two = page.locator("#line-1")
    expect(line_two.get_by_role("alert")).to_contain_text(
        "Line 2, supplier: supplier not found or inactive (1903-SupplierNotFound)"
    )
    expect(page.locator("#order-problems")).to_contain_text("1903-SupplierNotFound")
    expect(page.get_by_label("Line 2, supplier")).to_have_value("50010")
    expect(page.get_by_label("Line 2, quantity")).to_have_value("3")
    expect(page.get_by_label("Line 1, item")).to_have_value("BIKE-CITY")
    expect(page.get_by_label("Customer reference")).to_have_value("REF-42")
    expect(page.get_by_label("Description", exact=True)).to_have_value("Refused on purpose")
    assert PortalOrder.objects.get().outcome == Outcome.REJECTED
    _settled(page)

    # Corrected, the same form creates the order.
    page.get_by_label("Line 2, supplier").fill("500")
    suggest = page.locator("#line-1-supplier-suggest")
    expect(suggest.get_by_role("button", name=re.compile(r"^50010 "))).to_be_disabled()
    suggest.get_by_role("button", name=re.compile(r"^50005 ")).click()
    expect(page.get_by_label("Line 2, supplier")).to_have_value("50005")
    _settled(page)
    page.get_by_role("button", name="Create order").click()
    expect(page.locator("#order-outcome")).to_have_text("Created")
    assert len(_creates(sandbox)) == 2


def test_a_double_clicked_create_makes_one_order(
    sign_in, page, live_server, operator, tenant, sandbox
):
    sign_in(operator)
    _open_form(page, live_server, tenant)
    _pick_customer(page)
    _pick_item(page, 0, "PAPER", "PAPER-A4")
    page.get_by_label("Line 1, quantity").fill("5")

    page.get_by_role("button", name="Create order").dblclick()

    expect(page.locator("#order-outcome")).to_have_text("Created")
    assert len(_creates(sandbox)) == 1
    assert PortalOrder.objects.count() == 1


def test_a_company_at_its_limit_gets_the_held_message(
    sign_in, page, live_server, operator, tenant, sandbox
):
    sign_in(operator)
    _open_form(page, live_server, tenant)
    _pick_customer(page)
    _pick_item(page, 0, "PAPER", "PAPER-A4")
    page.get_by_label("Line 1, quantity").fill("5")
    page.get_by_label("Customer reference").fill("KEEP-ME")
    sandbox_away_from_the_hour(sandbox)  # the spent hour must not end mid-test
    body = {"tenant_id": tenant.tenant_id, "client_id": tenant.api_client.client_id, "used": 0}
    limit = sandbox.control("POST", "/_sandbox/usage", body)["limit"]
    sandbox.control("POST", "/_sandbox/usage", {**body, "used": limit - 1})
    # Someone else's call spends the last one; the portal learns the hour is used up.
    with StaffClient(tenant) as erp_call:
        erp_call.client.order_types.number_sequences()

    page.get_by_role("button", name="Create order").click()

    held = page.locator("#order-held")
    expect(held).to_contain_text(f"{tenant.display_name} has used")
    expect(held).to_contain_text(f"of {limit:,} calls this hour; the window resets at")
    expect(page.get_by_label("Customer reference")).to_have_value("KEEP-ME")
    expect(page.get_by_label("Line 1, item")).to_have_value("PAPER-A4")
    assert _creates(sandbox) == []


def test_a_viewer_sees_orders_read_only(sign_in, page, live_server, viewer, operator, tenant):
    order = PortalOrder.objects.create(
        tenant=tenant,
        created_by=operator,
        token=uuid.uuid4(),
        order_type="SO",
        own_number="WEB-000555",
        customer_id="10000",
        customer_name="Bergen Sportsbutikk AS",
        lines_count=1,
        command={"type": "SO", "customer": {"id": "10000"}},
        outcome=Outcome.UNKNOWN,
        outcome_detail="The ERP did not answer.",
    )
    sign_in(viewer)
    page.goto(f"{live_server.url}/tenants/{tenant.pk}/")
    expect(page.get_by_role("link", name="New sales order")).to_have_count(0)
    page.get_by_role("link", name="Sales orders", exact=True).first.click()
    expect(page.get_by_role("link", name="New sales order")).to_have_count(0)
    page.get_by_label("Outcome").select_option("unknown")
    # The filtered rows are in (the order is listed unfiltered too: a click on a row being
    # swapped out goes nowhere).
    expect(page).to_have_url(re.compile(r"outcome=unknown"))
    page.get_by_role("link", name="SO WEB-000555").click()
    expect(page.locator("#order-unknown")).to_be_visible()
    expect(page.get_by_role("button", name="Check in the ERP")).to_have_count(0)
    response = page.goto(f"{live_server.url}/operations/tenants/{tenant.pk}/orders/new/")
    assert response.status == 403
    assert order.outcome == Outcome.UNKNOWN


def test_an_operator_checks_an_unknown_outcome_in_the_erp(
    sign_in, page, live_server, operator, tenant, sandbox
):
    with _erp_client(sandbox, tenant) as client:
        client.sales_orders.create(
            {"type": "SO", "orderId": "WEB-000777", "customer": {"id": "10000"}}, idempotent=True
        )
    order = PortalOrder.objects.create(
        tenant=tenant,
        created_by=operator,
        token=uuid.uuid4(),
        order_type="SO",
        own_number="WEB-000777",
        customer_id="10000",
        lines_count=0,
        command={"type": "SO", "orderId": "WEB-000777", "customer": {"id": "10000"}},
        outcome=Outcome.UNKNOWN,
    )
    sign_in(operator)
    page.goto(f"{live_server.url}/operations/orders/{order.pk}/")

    page.get_by_role("button", name="Check in the ERP").click()

    expect(page.locator("#order-outcome")).to_have_text("Created")
    expect(page.locator("#erp-order")).to_contain_text("SO WEB-000777")


def test_the_erp_list_pages_forward(sign_in, page, live_server, viewer, tenant):
    sign_in(viewer)
    page.goto(f"{live_server.url}/operations/tenants/{tenant.pk}/orders/erp/")
    expect(page.locator("#erp-results")).to_contain_text("pageIndex 0")
    page.get_by_label("Status").select_option("Open")
    expect(page).to_have_url(re.compile(r"status=Open"))


def test_an_admin_picks_a_tenant_from_the_sales_orders_list(
    sign_in, page, live_server, admin, tenant, erp, clients
):
    not_ready = onboard_demo(clients, "salesorder_scope_missing")
    sign_in(admin)
    page.goto(f"{live_server.url}/operations/")
    page.get_by_role("link", name="Sales orders").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sales orders")
    row = page.get_by_role("row").filter(has_text=not_ready.display_name)
    expect(row).to_contain_text("Not available")
    page.get_by_label("Outcome").select_option("created")
    expect(page).to_have_url(re.compile(r"outcome=created"))
    page.get_by_role("row").filter(has_text=tenant.display_name).get_by_role(
        "link", name="New sales order"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(tenant.display_name)
    expect(page.get_by_label("Order number", exact=True)).to_have_value(re.compile(r"^WEB-\d{6}$"))


def test_typing_a_customer_name_waits_for_a_pause_and_asks_the_erp_at_most_twice(
    sign_in, page, live_server, operator, tenant, sandbox
):
    sign_in(operator)
    _open_form(page, live_server, tenant)
    _settled(page)
    asked = []
    page.on(
        "request",
        lambda request: asked.append(request.url) if "/orders/customers/" in request.url else None,
    )
    before = len(sandbox.control("GET", "/_sandbox/requests?limit=5000"))

    page.get_by_label("Customer", exact=True).press_sequentially("Bergen Spo", delay=40)

    expect(page.locator("#customer-suggest")).to_contain_text("10000 Bergen Sportsbutikk AS")
    erp_calls = [
        e
        for e in sandbox.control("GET", "/_sandbox/requests?limit=5000")[before:]
        if e["path"] == "/api/v3/Customers"
    ]
    assert 1 <= len(asked) <= 2
    assert 1 <= len(erp_calls) <= 2
    expect(page.locator("#customer-suggest")).to_contain_text("Fetched from the ERP")
