"""What the order form reads: order types with their numbering, and an order's lines with the
purchase-order source and supplier the ERP made of the request."""

from __future__ import annotations


def test_order_types_and_their_numbering(erp):
    client = erp("healthy")
    types = {t.order_type: t for t in client.order_types.list()}
    assert set(types) == {"SO", "QT"} and types["SO"].description == "Sales order"
    manual = {s.numbering_id: s.manual_numbering for s in client.order_types.number_sequences()}
    assert manual == {"SO": True, "QT": False}


def test_an_orders_lines_show_their_purchase_order_source_and_supplier(erp):
    client = erp("healthy")
    created = client.sales_orders.create(
        {
            "type": "SO",
            "customer": {"id": "10000"},
            "orderLines": [
                {"inventoryId": "BIKE-CITY", "quantity": 1},
                {
                    "inventoryId": "STOCKITEM1",
                    "quantity": 2,
                    "purchaseOrderSource": "purchaseToOrder",
                },
                {"inventoryId": "SOFA-3SEAT", "quantity": 1, "purchaseOrderSource": ""},
            ],
        }
    )
    lines = client.sales_orders.lines(created.type, created.order_id).items
    assert [line.inventory.id for line in lines] == ["BIKE-CITY", "STOCKITEM1", "SOFA-3SEAT"]
    assert [line.purchase_order_source for line in lines] == ["dropShip", "purchaseToOrder", None]
    assert lines[0].supplier.id and lines[1].supplier.id and lines[2].supplier is None


def test_item_prices_come_from_the_financials_inventory(erp):
    client = erp("healthy")
    prices = {p.inventory_number: p.default_price for p in client.inventory.prices(page_size=100)}
    assert prices["KITCHEN-CUSTOM"] == 89000.0
    found = client.inventory.prices(description="kjøkken").items
    assert [p.inventory_number for p in found] == ["KITCHEN-CUSTOM"]


def test_suppliers_by_name_with_their_status(erp):
    client = erp("healthy")
    everyone = list(client.suppliers.list(page_size=100))
    assert {s.status for s in everyone} >= {"Active", "Inactive"}
    inactive = next(s for s in everyone if s.number == "50010")
    assert inactive.status == "Inactive"
    first = everyone[0]
    named = client.suppliers.page(name=first.name[:5]).items
    assert first.number in [s.number for s in named]
