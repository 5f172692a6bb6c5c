"""The order pages through Django's test client, talking to the sandbox over real HTTP: the form's
round trips, every kind of bad input (a clear message and nothing sent), the create exactly once,
the budget hold, the lookups' cost, and what a viewer sees."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from operations.orders.models import Outcome, PortalOrder
from tests.conftest import sandbox_away_from_the_hour

pytestmark = pytest.mark.django_db(transaction=True)

LINE_KEYS = (
    "inventory_id",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "warehouse_id",
    "discount_percent",
    "purchase_order_source",
    "source_default",
    "supplier_id",
    "erp_price",
)


def form_data(token, *, lines=None, **header):
    lines = lines if lines is not None else [{"inventory_id": "STOCKITEM1", "quantity": "2"}]
    data = {
        "token": token,
        "order_type": "SO",
        "order_id": "WEB-000901",
        "customer_id": "10000",
        "customer_name": "Nordlys Handel AS",
        "description": "From the view tests",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": str(len(lines)),
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "200",
        **header,
    }
    for index, line in enumerate(lines):
        values = {"purchase_order_source": "none", **line}
        for key in LINE_KEYS:
            data[f"lines-{index}-{key}"] = values.get(key, "")
    return data


@pytest.fixture
def new_url(tenant):
    return reverse("operations:order_new", args=[tenant.pk])


@pytest.fixture
def opened(client_for, operator, new_url):
    """The form as an operator opens it: (client, token, page html)."""
    client = client_for(operator)
    response = client.get(new_url)
    assert response.status_code == 200
    html = response.content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    return client, token, html


def test_the_form_opens_with_the_types_and_an_own_number(opened):
    _, _, html = opened
    assert "SO: Sales order (own number allowed)" in html
    assert "QT: Quote (numbered by the ERP)" in html
    assert 'value="WEB-000001"' in html


def test_a_type_that_numbers_itself_has_no_number_field(opened, new_url):
    client, token, _ = opened
    html = client.post(new_url, {**form_data(token), "order_type": "QT"}, HTTP_HX_REQUEST="true")
    assert 'id="numbered-by-erp"' in html.content.decode()
    assert 'name="order_id"' not in html.content.decode()


def test_lines_are_added_and_removed_by_a_round_trip_keeping_values(opened, new_url):
    client, token, _ = opened
    two = form_data(
        token,
        lines=[
            {"inventory_id": "STOCKITEM1", "quantity": "1"},
            {"inventory_id": "BIKE-CITY", "quantity": "3"},
        ],
    )
    added = client.post(new_url, {**two, "action": "add"}, HTTP_HX_REQUEST="true").content.decode()
    assert added.count('<tr id="line-') == 3 and 'value="BIKE-CITY"' in added
    assert added.strip().startswith('<form id="order-form"')

    removed = client.post(
        new_url, {**two, "action": "remove:0"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert removed.count('<tr id="line-') == 1
    assert 'value="BIKE-CITY"' in removed and 'value="STOCKITEM1"' not in removed


def test_picking_an_item_presets_its_default_source_labelled(opened, new_url):
    client, token, _ = opened
    data = form_data(token, lines=[{"inventory_id": "BIK", "quantity": "1"}])
    html = client.post(
        new_url, {**data, "action": "item:0:BIKE-CITY"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'value="BIKE-CITY"' in html
    assert re.search(r'<option value="dropShip" selected>', html)
    assert "default from the item" in html


def test_picking_a_customer_loads_its_locations(opened, new_url):
    client, token, _ = opened
    data = form_data(token, customer_id="1000", customer_name="")
    html = client.post(
        new_url, {**data, "action": "customer:10002"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'id="customer-picked"' in html and "TILLER" in html and "LADE" in html


def test_an_inactive_customer_is_marked_and_refused(opened, new_url, tenant):
    client, token, _ = opened
    suggest = client.get(
        reverse("operations:order_customers", args=[tenant.pk]), {"customer_id": "10014"}
    ).content.decode()
    assert "inactive: cannot be used" in suggest and "disabled" in suggest
    html = client.post(
        new_url, {**form_data(token), "action": "customer:10014"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "is inactive in the ERP; pick another" in html


def test_preview_shows_exactly_the_command(opened, new_url):
    client, token, _ = opened
    data = form_data(
        token,
        lines=[
            {"inventory_id": "BIKE-CITY", "quantity": "1", "purchase_order_source": "dropShip"},
            {"inventory_id": "STOCKITEM1", "quantity": "2", "purchase_order_source": "none"},
        ],
    )
    html = client.post(new_url, {**data, "action": "preview"}, HTTP_HX_REQUEST="true")
    text = html.content.decode()
    assert 'id="order-preview"' in text
    assert "&quot;purchaseOrderSource&quot;: &quot;dropShip&quot;" in text
    assert "&quot;purchaseOrderSource&quot;: &quot;&quot;" in text
    assert not PortalOrder.objects.exists()


def test_lines_left_empty_are_left_out_of_the_preview_and_the_order(opened, new_url):
    # "Add line" pressed once too often: the empty lines neither block the preview nor reach
    # the ERP; a line with anything typed in it is checked as before.
    client, token, _ = opened
    blank = {"purchase_order_source": "none"}
    filled = {"inventory_id": "STOCKITEM1", "quantity": "2"}
    data = form_data(token, lines=[blank, filled, blank, {"quantity": "3"}, blank])
    response = client.post(new_url, {**data, "action": "preview"}, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert 'id="order-preview"' not in text  # the line with a quantity and no item
    assert "Line 2, item: This field is required." in text  # renumbered: the blank ones went
    assert 'name="lines-TOTAL_FORMS" value="2"' in text
    assert "Lines left empty are left out." in text
    data = form_data(token, lines=[blank, filled, blank])
    response = client.post(new_url, {**data, "action": "preview"}, HTTP_HX_REQUEST="true")
    preview = response.content.decode().split('id="order-preview"', 1)[1].split("</pre>", 1)[0]
    assert preview.count("inventoryId") == 1 and "STOCKITEM1" in preview
    assert not PortalOrder.objects.exists()


def test_create_sends_once_and_shows_the_order_as_the_erp_has_it(opened, new_url, posted_orders):
    client, token, _ = opened
    data = {
        **form_data(
            token,
            lines=[
                {"inventory_id": "BIKE-CITY", "quantity": "1", "purchase_order_source": "dropShip"},
                {
                    "inventory_id": "STOCKITEM1",
                    "quantity": "2",
                    "purchase_order_source": "purchaseToOrder",
                    "supplier_id": "50005",
                },
            ],
        ),
        "action": "create",
    }
    first = client.post(new_url, data, HTTP_HX_REQUEST="true")
    second = client.post(new_url, data, HTTP_HX_REQUEST="true")

    order = PortalOrder.objects.get()
    url = reverse("operations:order_detail", args=[order.pk])
    assert first.headers["HX-Redirect"] == second.headers["HX-Redirect"] == url
    assert order.outcome == Outcome.CREATED and len(posted_orders()) == 1
    page = client.get(url).content.decode()
    assert "Drop ship" in page and "Purchase to order" in page and "50005" in page
    assert 'id="erp-etag"' in page
    # The company's budget as people read figures (the sandbox's limit is in the thousands).
    budget = re.search(r"of the company's ([\d,]+) left this hour", page).group(1)
    assert "," in budget


BAD_INPUT = {
    "a 10,000-character description": (
        {"description": "x" * 10_000},
        None,
        "Ensure this value has at most 255 characters",
    ),
    "a non-numeric quantity": (
        {},
        [{"inventory_id": "STOCKITEM1", "quantity": "two"}],
        "Line 1, quantity: Enter a number.",
    ),
    "an unknown item typed by hand": (
        {},
        [{"inventory_id": "NO-SUCH-ITEM", "quantity": "1"}],
        "Line 1, item: NO-SUCH-ITEM is not an item of this company in the ERP",
    ),
    "HTML in a text field": (
        {"description": "<script>alert(1)</script>"},
        None,
        "Remove the HTML",
    ),
    "HTML in a line": (
        {},
        [{"inventory_id": "STOCKITEM1", "quantity": "1", "description": "<b>bold</b>"}],
        "Line 1, line description: Remove the HTML",
    ),
    "201 lines": (
        {},
        [{"inventory_id": "STOCKITEM1", "quantity": "1"}] * 201,
        "An order can have at most 200 lines",
    ),
    "a supplier on a line not marked for purchase": (
        {},
        [{"inventory_id": "STOCKITEM1", "quantity": "1", "supplier_id": "50005"}],
        "A supplier can be chosen only on a line marked for purchase",
    ),
    "no customer": ({"customer_id": ""}, None, "Customer: This field is required."),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_gets_a_clear_message_and_sends_nothing(opened, new_url, posted_orders, case):
    client, token, _ = opened
    header, lines, message = BAD_INPUT[case]
    data = {**form_data(token, lines=lines, **header), "action": "create"}

    response = client.post(new_url, data, HTTP_HX_REQUEST="true")

    text = response.content.decode()
    assert response.status_code == 200
    assert message in text.replace("&#x27;", "'"), text[:3000]
    assert "Nothing was sent" in text
    assert posted_orders() == [] and not PortalOrder.objects.exists()
    assert "<script>alert" not in text


def test_a_refused_order_shows_the_error_on_the_right_line_and_keeps_the_values(opened, new_url):
    client, token, _ = opened
    lines = [
        {"inventory_id": "STOCKITEM1", "quantity": "1"},
        {
            "inventory_id": "BIKE-CITY",
            "quantity": "4",
            "purchase_order_source": "dropShip",
            "supplier_id": "50010",
        },
    ]
    data = {**form_data(token, lines=lines, customer_ref="REF-77"), "action": "create"}

    text = client.post(new_url, data, HTTP_HX_REQUEST="true").content.decode()

    assert "Line 2, supplier:" in text and "(1903-SupplierNotFound)" in text
    assert 'value="50010"' in text and 'value="REF-77"' in text and 'value="4"' in text
    new_token = re.search(r'name="token" value="([^"]+)"', text).group(1)
    assert new_token != token
    assert PortalOrder.objects.get().outcome == Outcome.REJECTED


def test_a_company_at_its_limit_gets_the_held_message_and_keeps_the_form(
    opened, new_url, tenant, sandbox, posted_orders
):
    client, token, _ = opened
    sandbox_away_from_the_hour(sandbox)  # the spent hour must not end mid-test
    state = sandbox.control(
        "POST",
        "/_sandbox/usage",
        {"tenant_id": tenant.tenant_id, "client_id": tenant.api_client.client_id, "used": 0},
    )
    sandbox.control(
        "POST",
        "/_sandbox/usage",
        {
            "tenant_id": tenant.tenant_id,
            "client_id": tenant.api_client.client_id,
            "used": state["limit"] - 1,
        },
    )
    # The ERP leaves one call: checking the customer spends it, so the rest is held.
    data = {**form_data(token, customer_ref="KEEP-ME"), "action": "create"}
    text = client.post(new_url, data, HTTP_HX_REQUEST="true").content.decode()

    assert 'id="order-held"' in text
    assert f"{tenant.display_name} has used" in text and "the window resets at" in text
    assert 'value="KEEP-ME"' in text
    assert posted_orders() == [] and not PortalOrder.objects.exists()


def test_typing_a_ten_character_customer_name_costs_at_most_two_erp_calls(opened, tenant, sandbox):
    client, _, _ = opened
    url = reverse("operations:order_customers", args=[tenant.pk])
    before = len(sandbox.control("GET", "/_sandbox/requests?limit=5000"))
    name = "Bergen Spor"
    for end in range(1, len(name) + 1):
        response = client.get(url, {"customer_id": name[:end]})
        assert response.status_code == 200
    calls = [
        e
        for e in sandbox.control("GET", "/_sandbox/requests?limit=5000")[before:]
        if e["path"] == "/api/v3/Customers"
    ]
    assert 1 <= len(calls) <= 2
    assert "Fetched from the ERP" in response.content.decode()


def test_a_viewer_sees_orders_but_no_create(client_for, viewer, tenant, new_url):
    client = client_for(viewer)
    assert client.get(new_url).status_code == 403
    page = client.get(reverse("operations:tenant_orders", args=[tenant.pk])).content.decode()
    assert "New sales order" not in page and "Orders in the ERP" in page
    assert client.post(new_url, {"action": "create"}).status_code == 403


def test_a_tenant_without_the_salesorders_scope_says_why_not(
    erp_settings, make_tenant, client_for, operator
):
    from tests.tenants.helpers import make_issue

    tenant = make_tenant("salesorder_scope_missing")
    make_issue(tenant, kind="salesorder_scope_missing", owner="customer_integration_admin")
    client = client_for(operator)
    page = client.get(reverse("operations:order_new", args=[tenant.pk])).content.decode()
    assert 'id="not-ready"' in page and "order_id" not in page
    listing = client.get(reverse("operations:orders")).content.decode()
    assert "Not available" in listing


def test_the_erp_list_pages_with_a_zero_based_page_index(client_for, viewer, tenant, sandbox):
    client = client_for(viewer)
    url = reverse("operations:order_erp_list", args=[tenant.pk])
    first = client.get(url).content.decode()
    second = client.get(url, {"page": "2"}).content.decode()
    asked = [
        e["query"]
        for e in sandbox.control("GET", "/_sandbox/requests?limit=20")
        if e["path"] == "/api/v3/SalesOrders"
    ]
    assert "pageIndex 0" in first and "pageIndex 1" in second
    # Every total with two decimals, whole or not, and its currency.
    totals = re.findall(r'<td data-label="Total" class="num">([^<]*)</td>', first)
    assert totals and all(re.fullmatch(r"[\d,]+\.\d\d [A-Z]{3}", t) for t in totals), totals
    assert any("pageIndex=1" in str(q) for q in asked)
    assert client.get(url, {"page": "abc"}).status_code == 200


def _order_list_reads(sandbox) -> int:
    requests = sandbox.control("GET", "/_sandbox/requests")
    return sum(r["path"] == "/api/v3/SalesOrders" for r in requests)


def test_paging_the_erp_list_back_and_forth_reads_each_page_once(
    client_for, viewer, tenant, sandbox
):
    client = client_for(viewer)
    url = reverse("operations:order_erp_list", args=[tenant.pk])
    before = _order_list_reads(sandbox)
    pages = [client.get(url, {"page": str(1 + n % 2)}) for n in range(12)]
    assert [page.status_code for page in pages] == [200] * 12
    assert _order_list_reads(sandbox) == before + 2  # the repeat guard would refuse the 6th
    assert "1 ERP call;" in pages[0].content.decode()
    assert "No ERP call: the portal read this page" in pages[-1].content.decode()


def test_an_order_event_makes_the_next_erp_list_view_read_again(
    client_for, viewer, tenant, sandbox
):
    from operations.orders.refresh import sales_order_changed

    client = client_for(viewer)
    url = reverse("operations:order_erp_list", args=[tenant.pk])
    client.get(url)
    reads = _order_list_reads(sandbox)
    client.get(url)
    assert _order_list_reads(sandbox) == reads
    sales_order_changed(tenant, "SO/000123")
    client.get(url)
    assert _order_list_reads(sandbox) == reads + 1


def test_a_picked_item_shows_the_erps_price(opened, new_url, tenant):
    client, token, _ = opened
    suggest = client.get(
        reverse("operations:order_items", args=[tenant.pk]), {"lines-0-inventory_id": "kitchen"}
    ).content.decode()
    assert "KITCHEN-CUSTOM" in suggest and "89,000" in suggest and "purchase to order" in suggest
    html = client.post(
        new_url,
        {**form_data(token), "action": "item:0:KITCHEN-CUSTOM"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'placeholder="ERP: 89000"' in html
    assert re.search(r'<option value="purchaseToOrder" selected>', html)


@pytest.mark.parametrize(
    "action", ["item:0:" + "X" * 500, "item:0:<b>", "customer:a b", "item:x:Y"]
)
def test_a_forged_pick_changes_nothing_and_asks_the_erp_nothing(opened, new_url, sandbox, action):
    client, token, _ = opened
    # A first round trip reads (and caches) the customer's locations.
    client.post(new_url, {**form_data(token), "action": "refresh"}, HTTP_HX_REQUEST="true")
    before = len(sandbox.control("GET", "/_sandbox/requests?limit=5000"))

    response = client.post(new_url, {**form_data(token), "action": action}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert len(sandbox.control("GET", "/_sandbox/requests?limit=5000")) == before
    assert 'value="STOCKITEM1"' in response.content.decode()


def test_a_number_the_erp_already_has_is_shown_on_the_number(opened, new_url, tenant, sandbox):
    from erpclient import ErpClient

    with ErpClient.sandbox(
        sandbox.url,
        client_id=tenant.api_client.client_id,
        client_secret=tenant.api_client.client_secret.reveal(),
        tenant_id=tenant.tenant_id,
    ) as erp:
        erp.sales_orders.create(
            {"type": "SO", "orderId": "WEB-000901", "customer": {"id": "10001"}}
        )
    client, token, _ = opened

    text = client.post(
        new_url, {**form_data(token), "action": "create"}, HTTP_HX_REQUEST="true"
    ).content.decode()

    assert 'id="id_order_id_errors"' in text
    assert "Order number WEB-000901 is already taken in the ERP" in text
    assert 'name="order_id" value="WEB-000002"' in text
    assert PortalOrder.objects.get().outcome == Outcome.REJECTED


def test_the_erp_failing_while_typing_keeps_the_form(opened, new_url, tenant, monkeypatch):
    from erpclient import errors
    from operations.orders import erp_lookups

    client, token, _ = opened

    def down(tenant):
        raise errors.ServerError("the ERP failed", status=500)

    monkeypatch.setattr(erp_lookups, "order_types", down)
    text = client.post(
        new_url, {**form_data(token, customer_ref="STAYS"), "action": "add"}, HTTP_HX_REQUEST="true"
    ).content.decode()

    assert text.strip().startswith('<form id="order-form"')
    assert 'value="STAYS"' in text and text.count('<tr id="line-') == 2
    assert "What the ERP answered" in text or "erp-error" in text


def test_suppliers_are_picked_on_purchase_lines_only_and_inactive_ones_refused(
    opened, new_url, tenant
):
    client, token, _ = opened
    url = reverse("operations:order_suppliers", args=[tenant.pk])
    suggest = client.get(url, {"lines-0-supplier_id": "5001"}).content.decode()
    assert "supplier:0:50010" in suggest and "inactive: cannot be used" in suggest

    po_line = [{"inventory_id": "BIKE-CITY", "quantity": "1", "purchase_order_source": "dropShip"}]
    picked = client.post(
        new_url,
        {**form_data(token, lines=po_line), "action": "supplier:0:50005"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'name="lines-0-supplier_id" id="id_lines-0-supplier_id" value="50005"' in picked

    inactive = client.post(
        new_url,
        {**form_data(token, lines=po_line), "action": "supplier:0:50010"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "supplier 50010" in inactive and "is inactive; pick another" in inactive

    plain = client.post(
        new_url, {**form_data(token), "action": "supplier:0:50005"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "only on a line marked for purchase" in plain
