"""What the portal's sales-order form needs from the sandbox (issue 10): order types with their
numbering, customers with delivery locations and currencies, items with their default price and
replenishment source, suppliers for PO lines, the coded 400s, and a create whose answer is lost.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from erpsim.world import DEMO_TENANTS

from .helpers import HEALTHY, erp

HEALTHY_TENANTS = [t for t in DEMO_TENANTS if t["scenario"] == "healthy"]


@pytest.fixture
def client(sandbox):
    with erp(sandbox) as http:
        yield http


def _create(client, body):
    return client.post("/api/v3/SalesOrders", json=body)


def test_order_types_say_whether_they_take_a_manual_number(client):
    types = {t["orderType"]: t for t in client.get("/v1/salesordertype").json()}
    numbering = {n["numberingId"]: n for n in client.get("/v1/numberSequence").json()}

    assert {"SO", "QT"} <= set(types)
    assert numbering[types["SO"]["orderType"]]["manualNumbering"] is True
    assert numbering[types["QT"]["orderType"]]["manualNumbering"] is False


def test_the_numbering_series_shows_the_next_number_and_moves_on(client):
    before = client.get("/v1/numberSequence/QT").json()["sequence"][0]["nextNumber"]
    created = _create(client, {"type": "QT", "customer": {"id": "10000"}})
    after = client.get("/v1/numberSequence/QT").json()["sequence"][0]["nextNumber"]

    assert created.headers["Location"].endswith(f"/QT/{before}")
    assert int(after) == int(before) + 1


@pytest.mark.parametrize("tenant", HEALTHY_TENANTS, ids=[t["name"] for t in HEALTHY_TENANTS])
def test_every_healthy_demo_company_has_enough_for_a_realistic_form(sandbox, tenant):
    with erp(sandbox, tenant_id=tenant["tenant_id"]) as http:
        customers = http.get("/api/v3/Customers").json()["value"]
        locations = {
            c["id"]: http.get(f"/api/v3/Customers/{c['id']}/locations").json() for c in customers
        }
        items = http.get("/api/v3/Inventory", params={"expand": "Attribute"}).json()["value"]
        suppliers = http.get("/v1/supplier").json()
        types = http.get("/v1/numberSequence").json()
        own_currency = http.get("/v1/supplier/50011").json()["currencyId"]

    currencies = {c["currencyId"] for c in customers if c["status"] == "Active"}
    sources = {i["attributes"]["DEFAULTPOSOURCE"] for i in items}
    assert [c["id"] for c in customers if c["status"] == "Inactive"]
    assert len(currencies) >= 2 and own_currency in {"NOK", "SEK"}
    assert sum(len(found) >= 2 for found in locations.values()) >= 3
    assert {"dropShip", "purchaseToOrder", ""} <= sources
    assert {s["status"] for s in suppliers} >= {"Active", "Inactive"}
    assert {t["manualNumbering"] for t in types} == {True, False}


def test_inventory_gives_description_unit_quantity_price_and_default_source(client):
    [availability] = client.get(
        "/api/v3/Inventory", params={"inventoryId": "KITCHEN-CUSTOM", "expand": "Attribute"}
    ).json()["value"]
    item = client.get("/v1/inventory/KITCHEN-CUSTOM").json()

    assert availability["description"] == item["description"] == "Kjøkkeninnredning etter mål"
    assert availability["baseUnit"] == "SET"
    assert [w["warehouseId"] for w in availability["availability"]] == ["MAIN", "EXTERNAL"]
    assert all(w["quantityAvailable"] >= 0 for w in availability["availability"])
    assert availability["attributes"]["DEFAULTPOSOURCE"] == "purchaseToOrder"
    assert item["defaultPrice"] == 89000.0
    assert [s["supplierId"] for s in item["supplierDetails"]] == ["50006"]


def test_customer_search_by_id_or_name_shows_status_and_currency(client):
    by_name = client.get("/api/v3/Customers", params={"filter": "göteborg"}).json()["value"]
    by_id = client.get("/api/v3/Customers", params={"filter": "10014"}).json()["value"]

    assert [(c["id"], c["currencyId"], c["status"]) for c in by_name] == [
        ("10004", "SEK", "Active")
    ]
    assert [(c["id"], c["status"]) for c in by_id] == [("10014", "Inactive")]


def test_an_order_to_a_delivery_location_ships_there(client):
    location = _create(
        client,
        {
            "type": "SO",
            "customer": {"id": "10002", "locationId": "TILLER"},
            "orderLines": [{"inventoryId": "CABLE-CAT6", "quantity": 2}],
        },
    ).headers["Location"]
    order = client.get(location, params={"expand": "Customer,Shipping"}).json()

    assert order["customer"]["location"]["id"] == "TILLER"
    assert order["shipping"]["address"]["line1"] == "Tillerbyen 1"
    assert order["currencyId"] == "NOK"


def test_the_order_is_in_the_customers_currency_unless_overridden_where_allowed(client):
    plain = _create(client, {"type": "SO", "customer": {"id": "10004"}}).headers["Location"]
    override = _create(
        client, {"type": "SO", "customer": {"id": "10004"}, "currencyId": "NOK"}
    ).headers["Location"]
    refused = _create(client, {"type": "SO", "customer": {"id": "10005"}, "currencyId": "NOK"})

    assert client.get(plain).json()["currencyId"] == "SEK"
    assert client.get(override).json()["currencyId"] == "NOK"
    [problem] = refused.json()["details"]
    assert problem["code"] == "1408-OverrideCurrencyIdProhibited"
    assert problem["parameters"] == {
        "property": "currencyId",
        "value": "NOK",
        "customerCurrencyId": "SEK",
    }


def test_the_get_shows_each_lines_po_source_supplier_and_the_version(client):
    created = _create(
        client,
        {
            "type": "SO",
            "orderId": "WEB-2001",
            "customer": {"id": "10000"},
            "orderLines": [
                {"inventoryId": "BIKE-CITY", "quantity": 1},
                {
                    "inventoryId": "STOCKITEM1",
                    "quantity": 1,
                    "purchaseOrderSource": "purchaseToOrder",
                    "supplierId": "50005",
                },
                {"inventoryId": "SOFA-3SEAT", "quantity": 1, "purchaseOrderSource": ""},
                {"inventoryId": "PAPER-A4", "quantity": 3},
            ],
        },
    )
    order = client.get(created.headers["Location"])
    lines = client.get(f"{created.headers['Location']}/lines").json()["value"]

    assert created.headers["ETag"] == order.headers["ETag"] == f'"{order.json()["version"]}"'
    assert [(ln["purchaseOrderSource"], ln.get("supplier", {}).get("id")) for ln in lines] == [
        ("dropShip", "50007"),
        ("purchaseToOrder", "50005"),
        (None, None),
        (None, None),
    ]


def test_an_inactive_supplier_on_a_po_line_is_1903(client):
    response = _create(
        client,
        {
            "type": "SO",
            "customer": {"id": "10000"},
            "orderLines": [
                {"inventoryId": "STOCKITEM1", "purchaseOrderSource": "dropShip"},
                {"inventoryId": "BIKE-CITY", "supplierId": "50010"},
            ],
        },
    )

    assert [(d["code"], d["parameters"]["property"]) for d in response.json()["details"]] == [
        ("1903-SupplierNotFound", "orderLines[1].supplierId")
    ]


def test_a_manual_number_on_an_auto_numbered_type_is_refused_in_words(client):
    response = _create(client, {"type": "QT", "orderId": "Q-77", "customer": {"id": "10000"}})

    [problem] = response.json()["details"]
    assert problem["code"] == "0004-ValueNotAllowed"
    assert problem["parameters"]["property"] == "orderId"
    assert "numbers its orders itself" in problem["parameters"]["reason"]


# -- a lost answer, then a GET settles it ------------------------------------------------------


def _arm(sandbox, **body):
    return sandbox.control("POST", "/_sandbox/faults/lost-answer", body)


def test_a_dropped_connection_after_the_order_was_created(client, sandbox):
    _arm(sandbox, tenant_id=HEALTHY["tenant_id"])
    body = {"type": "SO", "orderId": "LOST-1", "customer": {"id": "10001"}}

    with pytest.raises(httpx.TransportError):
        _create(client, body)
    settled = client.get("/api/v3/SalesOrders/SO/LOST-1")
    retried = _create(client, body)
    entry = next(
        e
        for e in sandbox.control("GET", "/_sandbox/requests")
        if e["path"] == "/api/v3/SalesOrders"
    )

    assert settled.status_code == 200 and settled.json()["customer"]["id"] == "10001"
    assert retried.status_code == 409  # the answer is lost only once
    assert entry["fault"] == "lost_answer_reset" and entry["status"] is None
    assert sandbox.control("GET", "/_sandbox/faults/lost-answer") == []


def test_a_timed_out_answer_after_the_order_was_created(client, sandbox):
    armed = _arm(sandbox, mode="timeout", hold_seconds=30)

    with pytest.raises(httpx.TimeoutException):
        client.post(
            "/api/v3/SalesOrders",
            json={"type": "SO", "orderId": "LOST-2", "customer": {"id": "10001"}},
            timeout=1.0,
        )
    settled = client.get("/api/v3/SalesOrders/SO/LOST-2")

    assert armed["mode"] == "timeout" and armed["path"] == "/api/v3/salesorders"
    assert settled.status_code == 200


def test_a_lost_answer_waits_for_its_tenant_and_path(client, sandbox):
    other = next(t for t in HEALTHY_TENANTS if t["tenant_id"] != HEALTHY["tenant_id"])
    _arm(sandbox, tenant_id=other["tenant_id"])

    answered = _create(client, {"type": "SO", "customer": {"id": "10001"}})
    listed = client.get("/api/v3/SalesOrders", params={"pageSize": 1})

    assert (answered.status_code, listed.status_code) == (201, 200)
    assert len(sandbox.control("GET", "/_sandbox/faults/lost-answer")) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"mode": "vanish"},
        {"path": "api/v3/SalesOrders"},
        {"hold_seconds": -1},
        {"method": "BREW"},
        {"tenant_id": "00000000-0000-4000-8000-000000000000"},
        {"colour": "red"},
    ],
)
def test_a_bad_lost_answer_request_arms_nothing(sandbox, body):
    response = httpx.post(f"{sandbox.url}/_sandbox/faults/lost-answer", json=body)

    assert response.status_code in (400, 404)
    assert sandbox.control("GET", "/_sandbox/faults/lost-answer") == []


# -- every 400 code the docs list ----------------------------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "sandbox.md"
ORDER = {"type": "SO", "customer": {"id": "10000"}}


def _line(**fields):
    return {**ORDER, "orderLines": [{"inventoryId": "STOCKITEM1", **fields}]}


# (code, property) -> a request that gets exactly that problem.
CASES = {
    ("0001-NullNotAllowed", "type"): {"customer": {"id": "10000"}},
    ("0001-NullNotAllowed", "customer"): {"type": "SO"},
    ("0001-NullNotAllowed", "customer.id"): {"type": "SO", "customer": {"id": None}},
    ("0001-NullNotAllowed", "orderLines[0].inventoryId"): {**ORDER, "orderLines": [{}]},
    ("0001-EmptyNotAllowed", "type"): {**ORDER, "type": ""},
    ("0002-InvalidLength", "description"): {**ORDER, "description": "d" * 256},
    ("0002-InvalidLength", "customer.order"): {
        "type": "SO",
        "customer": {"id": "1", "order": "o" * 41},
    },
    ("0002-InvalidLength", "orderId"): {**ORDER, "orderId": "N" * 16},
    ("0002-InvalidLength", "orderLines[0].description"): _line(description="d" * 257),
    ("0003-InvalidValue", "$"): b"{not json",
    ("0003-InvalidValue", "date"): {**ORDER, "date": "31.12.2026"},
    ("0003-InvalidValue", "requestOn"): {**ORDER, "requestOn": "tomorrow"},
    ("0003-InvalidValue", "orderLines"): {**ORDER, "orderLines": {"inventoryId": "STOCKITEM1"}},
    ("0003-InvalidValue", "orderLines[0].quantity"): _line(quantity="two"),
    ("0003-InvalidValue", "customer.locationId"): {
        "type": "SO",
        "customer": {"id": "10000", "locationId": "MOON"},
    },
    ("0003-InvalidValue", "currencyId"): {**ORDER, "currencyId": "XXX"},
    ("0004-ValueNotAllowed", "colour"): {**ORDER, "colour": "red"},
    ("0004-ValueNotAllowed", "orderId"): {**ORDER, "type": "QT", "orderId": "Q-1"},
    ("0004-ValueNotAllowed", "status"): {**ORDER, "status": "Shipped"},
    ("0004-ValueNotAllowed", "orderLines[0].purchaseOrderSource"): _line(
        purchaseOrderSource="dropShipment"
    ),
    ("0004-ValueNotAllowed", "orderLines[0].supplierId"): _line(supplierId="50011"),
    ("0004-ValueNotAllowed", "orderLines[0].shippingRule"): _line(shippingRule="Whenever"),
    ("0100-OutsideValidRange", "orderLines[0].discountPercent"): _line(discountPercent=150),
    ("0100-OutsideValidRange", "orderLines[0].overshipThreshold"): _line(overshipThreshold=5),
    ("1400-CustomerLookupException", "customer.id"): {"type": "SO", "customer": {"id": "77777"}},
    ("1407-InvalidCustomerStatus", "customer.id"): {"type": "SO", "customer": {"id": "10014"}},
    ("1408-OverrideCurrencyIdProhibited", "currencyId"): {**ORDER, "currencyId": "SEK"},
    ("1600-FinancialPeriodNotFound", "financialInformation.postPeriod"): {
        **ORDER,
        "financialInformation": {"postPeriod": "132026"},
    },
    ("1704-InvalidOrderType", "type"): {**ORDER, "type": "ZZ"},
    ("1800-InvalidLineOperation", "orderLines[0].operation"): _line(operation="Juggle"),
    ("1802-InvalidWarehouseId", "orderLines[0].warehouseId"): _line(warehouseId="ATTIC"),
    ("1802-InvalidWarehouseId", "shipping.preferredWarehouseId"): {
        **ORDER,
        "shipping": {"preferredWarehouseId": "ATTIC"},
    },
    ("1804-InventoryIdNotFound", "orderLines[0].inventoryId"): _line(inventoryId="NOPE"),
    ("1808-InvalidUnitOfMeasure", "orderLines[0].unitOfMeasure"): _line(unitOfMeasure="BARREL"),
    ("1809-InvalidQuantityForType", "orderLines[0].quantity"): _line(
        operation="Receipt", quantity=2
    ),
    ("1902-SalesPersonNotFound", "salesPersonId"): {**ORDER, "salesPersonId": "SP99"},
    ("1903-SupplierNotFound", "orderLines[0].supplierId"): _line(
        purchaseOrderSource="dropShip", supplierId="99999"
    ),
    ("1904-ProjectNotFound", "projectId"): {**ORDER, "projectId": "P-1"},
}


def _documented_rows() -> set[tuple[str, str]]:
    text = DOCS.read_text(encoding="utf-8")
    table = text.split("### Every 400 code of `POST /api/v3/SalesOrders`", 1)[1].split("\n\n")[2]
    rows = set()
    for line in table.splitlines()[2:]:
        code_cell, property_cell = line.split("|")[1:3]
        code = code_cell.strip().strip("`")
        for prop in re.findall(r"`([^`]+)`", property_cell):
            rows.add((code, prop.replace("[n]", "[0]")))
    return rows


def test_the_documented_400_codes_are_exactly_the_ones_tested():
    assert _documented_rows() == set(CASES)


@pytest.mark.parametrize(("code", "prop"), sorted(CASES), ids=["|".join(k) for k in sorted(CASES)])
def test_every_documented_400_code_is_emitted_for_its_property(client, code, prop):
    body = CASES[(code, prop)]
    if isinstance(body, bytes):
        response = client.post(
            "/api/v3/SalesOrders", content=body, headers={"Content-Type": "application/json"}
        )
    else:
        response = _create(client, body)

    assert response.status_code == 400
    problem = response.json()
    assert problem["title"] == "One or more validation errors occurred."
    assert (code, prop) in {(d["code"], d["parameters"]["property"]) for d in problem["details"]}
    assert prop in problem["errors"]
