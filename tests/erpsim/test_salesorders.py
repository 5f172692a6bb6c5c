"""SalesOrders v3: create (validated like NewSalesOrderCommand), get, list, lookups, scopes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from erpsim.world import ERP_SERVICE_SCOPES

from .helpers import PROD_CLIENT, erp, tenant_for


@pytest.fixture
def client(sandbox):
    with erp(sandbox) as http:
        yield http


def _create(client, body):
    return client.post("/api/v3/SalesOrders", json=body)


def _lines(client, location):
    return client.get(f"{location}/lines").json()["value"]


def test_create_answers_201_with_location_and_get_has_etag_and_version(client, sandbox):
    response = _create(
        client,
        {
            "type": "SO",
            "customer": {"id": "10000", "order": "PO-1"},
            "description": "sample",
            "status": "Hold",
            "orderLines": [{"inventoryId": "STOCKITEM1", "quantity": 4, "unitPrice": 101.25}],
        },
    )

    assert response.status_code == 201
    assert response.content == b""
    location = response.headers["Location"]
    assert location.startswith(f"{sandbox.url}/api/v3/SalesOrders/SO/")
    order = client.get(location)
    assert order.status_code == 200
    assert order.headers["ETag"].strip('"') == order.json()["version"]
    assert order.json()["status"]["hold"] is True
    assert order.json()["totals"]["taxableTotal"] == 405.0


def test_lines_with_purchase_order_source_are_marked_for_po(client):
    location = _create(
        client,
        {
            "type": "SO",
            "customer": {"id": "10001"},
            "orderLines": [
                {
                    "inventoryId": "STOCKITEM1",
                    "quantity": 1,
                    "purchaseOrderSource": "purchaseToOrder",
                },
                {
                    "inventoryId": "STOCKITEM2",
                    "quantity": 1,
                    "purchaseOrderSource": "dropShip",
                    "supplierId": "50011",
                },
                {"inventoryId": "STOCKITEM2", "quantity": 1},
            ],
        },
    ).headers["Location"]

    lines = _lines(client, location)
    assert [line["purchaseOrderSource"] for line in lines] == ["purchaseToOrder", "dropShip", None]
    assert lines[1]["supplier"] == {"id": "50011", "name": "Staples Kontor AS"}


def test_items_default_replenishment_source_applies_when_the_line_has_none(client):
    location = _create(
        client,
        {
            "type": "SO",
            "customer": {"id": "10001"},
            "orderLines": [
                {"inventoryId": "BIKE-CITY", "quantity": 1},
                {"inventoryId": "KITCHEN-CUSTOM", "quantity": 1},
                {"inventoryId": "SOFA-3SEAT", "quantity": 1, "purchaseOrderSource": ""},
            ],
        },
    ).headers["Location"]

    lines = _lines(client, location)
    assert [line["purchaseOrderSource"] for line in lines] == ["dropShip", "purchaseToOrder", None]


def test_manual_order_id_where_the_type_allows_it_and_409_when_taken(client, sandbox):
    body = {"type": "SO", "orderId": "WEB-1001", "customer": {"id": "10002"}}
    first = _create(client, body)
    second = _create(client, body)

    assert first.status_code == 201
    assert first.headers["Location"] == f"{sandbox.url}/api/v3/SalesOrders/SO/WEB-1001"
    assert second.status_code == 409
    assert second.json()["status"] == 409


def test_manual_order_id_is_refused_for_an_auto_numbered_type(client):
    response = _create(client, {"type": "QT", "orderId": "Q-1", "customer": {"id": "10002"}})

    assert response.status_code == 400
    assert response.json()["details"][0]["parameters"]["property"] == "orderId"


def _codes(response):
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and body["title"]
    return {(d["code"], d["parameters"].get("property")) for d in body["details"]}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"customer": {"id": "10000"}}, ("0001-NullNotAllowed", "type")),
        ({"type": "SO"}, ("0001-NullNotAllowed", "customer")),
        ({"type": "", "customer": {"id": "10000"}}, ("0001-EmptyNotAllowed", "type")),
        (
            {"type": "SO", "customer": {"id": "10000"}, "colour": "red"},
            ("0004-ValueNotAllowed", "colour"),
        ),
        (
            {"type": "SO", "customer": {"id": "10000", "order": "x" * 41}},
            ("0002-InvalidLength", "customer.order"),
        ),
        (
            {"type": "SO", "customer": {"id": "10000"}, "description": "d" * 256},
            ("0002-InvalidLength", "description"),
        ),
        (
            {"type": "SO", "customer": {"id": "10000"}, "date": "next tuesday"},
            ("0003-InvalidValue", "date"),
        ),
        (
            {"type": "SO", "customer": {"id": "10000"}, "orderLines": [{"inventoryId": "NOPE"}]},
            ("1804-InventoryIdNotFound", "orderLines[0].inventoryId"),
        ),
        (
            {"type": "SO", "customer": {"id": "10000"}, "orderLines": [{"quantity": 1}]},
            ("0001-NullNotAllowed", "orderLines[0].inventoryId"),
        ),
        (
            {
                "type": "SO",
                "customer": {"id": "10000"},
                "orderLines": [{"inventoryId": "STOCKITEM1", "discountPercent": 150}],
            },
            ("0100-OutsideValidRange", "orderLines[0].discountPercent"),
        ),
        (
            {
                "type": "SO",
                "customer": {"id": "10000"},
                "orderLines": [
                    {"inventoryId": "STOCKITEM1", "purchaseOrderSource": "dropShipment"}
                ],
            },
            ("0004-ValueNotAllowed", "orderLines[0].purchaseOrderSource"),
        ),
        (
            {
                "type": "SO",
                "customer": {"id": "10000"},
                "orderLines": [{"inventoryId": "STOCKITEM1", "supplierId": "50011"}],
            },
            ("0004-ValueNotAllowed", "orderLines[0].supplierId"),
        ),
        (
            {
                "type": "SO",
                "customer": {"id": "10000"},
                "orderLines": [{"inventoryId": "BIKE-CITY", "supplierId": "99999"}],
            },
            ("1903-SupplierNotFound", "orderLines[0].supplierId"),
        ),
        ({"type": "ZZ", "customer": {"id": "10000"}}, ("1704-InvalidOrderType", "type")),
        (
            {"type": "SO", "customer": {"id": "77777"}},
            ("1400-CustomerLookupException", "customer.id"),
        ),
        (
            {"type": "SO", "customer": {"id": "10014"}},
            ("1407-InvalidCustomerStatus", "customer.id"),
        ),
        (
            {"type": "SO", "customer": {"id": "10000"}, "status": "Shipped"},
            ("0004-ValueNotAllowed", "status"),
        ),
        (
            {
                "type": "SO",
                "customer": {"id": "10000"},
                "orderLines": {"inventoryId": "STOCKITEM1"},
            },
            ("0003-InvalidValue", "orderLines"),
        ),
    ],
)
def test_validation_errors_name_the_code_and_the_property(client, body, expected):
    response = _create(client, body)

    assert expected in _codes(response)
    assert expected[1] in response.json()["errors"]


def test_malformed_json_is_a_validation_problem(client):
    response = client.post(
        "/api/v3/SalesOrders", content=b"{not json", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json()["details"][0]["code"] == "0003-InvalidValue"


def test_wrong_content_type_is_415_problem(client):
    response = client.post(
        "/api/v3/SalesOrders", content=b"type=SO", headers={"Content-Type": "text/plain"}
    )

    assert response.status_code == 415
    assert response.json()["status"] == 415


def test_a_refused_order_changes_nothing(client):
    before = client.get("/api/v3/SalesOrders", params={"pageSize": 1}).json()["totalCount"]
    _create(
        client, {"type": "SO", "customer": {"id": "10000"}, "orderLines": [{"inventoryId": "NOPE"}]}
    )
    after = client.get("/api/v3/SalesOrders", params={"pageSize": 1}).json()["totalCount"]

    assert before == after


def test_list_pages_are_zero_based_with_next_page(client):
    first = client.get("/api/v3/SalesOrders", params={"pageSize": 5, "pageIndex": 0}).json()
    second = client.get(first["nextPage"]).json()

    assert len(first["value"]) == 5
    assert first["totalCount"] == 24
    assert "pageIndex=1" in first["nextPage"]
    assert "pageSize=5" in first["nextPage"]
    keys = {(o["type"], o["orderId"]) for o in first["value"]}
    assert keys.isdisjoint({(o["type"], o["orderId"]) for o in second["value"]})


def test_list_filters_by_type_customer_and_order(client):
    by_type = client.get("/api/v3/SalesOrders/QT").json()["value"]
    newest_first = client.get(
        "/api/v3/SalesOrders", params={"orderBy": "lastModified desc"}
    ).json()["value"]
    bad = client.get("/api/v3/SalesOrders", params={"orderBy": "colour"})

    assert by_type and all(o["type"] == "QT" for o in by_type)
    assert [o["lastModified"] for o in newest_first] == sorted(
        (o["lastModified"] for o in newest_first), reverse=True
    )
    assert bad.status_code == 400


def test_get_unknown_order_is_404_problem(client):
    response = client.get("/api/v3/SalesOrders/SO/NOPE")

    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_expand_adds_parts_of_the_order(client):
    plain = client.get("/api/v3/SalesOrders/SO/000001").json()
    expanded = client.get("/api/v3/SalesOrders/SO/000001", params={"expand": "Shipping"}).json()

    assert "shipping" not in plain
    assert "shipping" in expanded


def test_customers_and_inventory_lookups(client):
    customers = client.get("/api/v3/Customers", params={"filter": "oslo"}).json()
    locations = client.get("/api/v3/Customers/10001/locations")
    inventory = client.get(
        "/api/v3/Inventory", params={"inventoryId": "BIKE-CITY", "expand": "Attribute"}
    ).json()

    assert [c["id"] for c in customers["value"]] == ["10001"]
    assert locations.status_code == 200 and locations.json()[0]["id"] == "MAIN"
    assert inventory["value"][0]["attributes"]["DEFAULTPOSOURCE"] == "dropShip"


def test_delete_needs_if_match(client):
    location = _create(client, {"type": "SO", "customer": {"id": "10000"}}).headers["Location"]
    etag = client.get(location).headers["ETag"]

    missing = client.delete(location)
    stale = client.delete(location, headers={"If-Match": '"AAAAAAAAAAA="'})
    done = client.delete(location, headers={"If-Match": etag})

    assert missing.status_code == 428
    assert stale.status_code == 412
    assert done.status_code == 202
    assert client.get(location).status_code == 404


def test_without_salesorder_scopes_the_service_answers_403(sandbox):
    with erp(sandbox, scope=" ".join(ERP_SERVICE_SCOPES)) as http:
        read = http.get("/api/v3/SalesOrders")
        write = http.post("/api/v3/SalesOrders", json={"type": "SO", "customer": {"id": "10000"}})

    assert read.status_code == write.status_code == 403
    assert "insufficient_scope" in read.headers["WWW-Authenticate"]
    assert "visma.net.erp.salesorder:write" in write.headers["WWW-Authenticate"]


def test_read_scope_alone_cannot_create(sandbox):
    with erp(sandbox, scope="visma.net.erp.salesorder:read") as http:
        assert http.get("/api/v3/SalesOrders").status_code == 200
        assert (
            http.post(
                "/api/v3/SalesOrders", json={"type": "SO", "customer": {"id": "10000"}}
            ).status_code
            == 403
        )


def test_salesorder_scope_missing_tenant_gets_403(sandbox):
    with erp(sandbox, tenant_id=tenant_for("salesorder_scope_missing")["tenant_id"]) as http:
        response = http.get("/api/v3/SalesOrders")
        financials = http.get("/v1/supplierInvoice", params={"pageSize": 1})

    assert response.status_code == 403
    assert financials.status_code == 200


def test_concurrent_creates_get_distinct_order_numbers(sandbox):
    with erp(sandbox, client=PROD_CLIENT) as http:
        before = http.get("/api/v3/SalesOrders", params={"pageSize": 1}).json()["totalCount"]

        def create(n):
            body = {"type": "SO", "customer": {"id": "10000"}, "description": f"parallel {n}"}
            return http.post("/api/v3/SalesOrders", json=body)

        with ThreadPoolExecutor(max_workers=8) as pool:
            responses = list(pool.map(create, range(40)))
        after = http.get("/api/v3/SalesOrders", params={"pageSize": 1}).json()["totalCount"]

    assert [r.status_code for r in responses] == [201] * 40
    assert len({r.headers["Location"] for r in responses}) == 40
    assert after == before + 40
