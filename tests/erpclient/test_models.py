"""Typed models: the spec's field names, tolerant of unknown fields, ETags."""

from __future__ import annotations

from datetime import datetime

import pytest

from erpclient import (
    BackgroundState,
    CreatedOrder,
    NewSalesOrder,
    OrderCustomer,
    OrderLine,
    PurchaseOrderSource,
    SalesOrder,
    SupplierInvoice,
)

INVOICE = {
    "documentType": "Invoice",
    "referenceNumber": "000123",
    "status": "Balanced",
    "hold": False,
    "supplier": {"internalId": 7, "number": "70001", "name": "Nordic Paper AS", "rating": "A"},
    "date": "2025-05-01T00:00:00",
    "dueDate": "2025-05-31T00:00:00",
    "amount": 1250.5,
    "lastModifiedDateTime": "2025-05-02T08:15:30.1234567",
    "timeStamp": "AAAAAE0YIiI=",
    "invoiceLines": [{"lineNumber": 1, "quantity": 2, "account": {"number": "4000"}, "new": 1}],
    "attachments": [{"name": "scan.pdf", "id": "8f1d...", "revision": 2}],
    "metadata": {"totalCount": 3, "maxPageSize": 100},
    "someFieldFromTomorrow": {"x": 1},
}


def test_supplier_invoice_reads_spec_names_and_keeps_unknown_fields():
    invoice = SupplierInvoice.from_dict(INVOICE)
    assert invoice.reference_number == invoice.number == "000123"
    assert invoice.supplier.name == "Nordic Paper AS" and invoice.supplier.internal_id == 7
    assert invoice.supplier.extra == {"rating": "A"}
    assert invoice.due_date == datetime(2025, 5, 31)
    assert invoice.last_modified_date_time.microsecond == 123456
    assert invoice.invoice_lines[0].account.number == "4000"
    assert invoice.invoice_lines[0].extra == {"new": 1}
    assert invoice.attachments[0].revision == 2
    assert invoice.metadata.max_page_size == 100
    assert invoice.extra == {"someFieldFromTomorrow": {"x": 1}}
    assert invoice.raw is INVOICE


def test_missing_and_malformed_fields_become_none():
    invoice = SupplierInvoice.from_dict({"dueDate": "not a date", "supplier": "oops"})
    assert invoice.due_date is None and invoice.supplier is None
    assert invoice.invoice_lines == [] and invoice.etag is None


def test_header_etag_wins_over_the_body_timestamp():
    invoice = SupplierInvoice.from_dict(INVOICE, etag_header='"HEADER="')
    assert invoice.etag == '"HEADER="'
    assert SupplierInvoice.from_dict(INVOICE).etag == '"AAAAAE0YIiI="'


def test_sales_order_etag_comes_from_version():
    order = SalesOrder.from_dict(
        {"type": "SO", "orderId": "1", "version": "AAAB", "status": {"hold": True}}
    )
    assert order.etag == '"AAAB"' and order.status.hold is True


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("https://salesorder.visma.net/api/v3/SalesOrders/SO/000223", ("SO", "000223")),
        ("/api/v3/SalesOrders/SO/000223", ("SO", "000223")),
        ("https://salesorder.visma.net/api/v3/salesorders/C%20O/A%2F1", ("C O", "A/1")),
    ],
)
def test_created_order_location(location, expected):
    assert CreatedOrder.split_location(location) == expected


@pytest.mark.parametrize("location", ["/api/v3/SalesOrders/SO", "/api/v3/Other/SO/1", ""])
def test_bad_created_order_location(location):
    with pytest.raises(ValueError):
        CreatedOrder.split_location(location)


def test_background_state_flags():
    running = BackgroundState.from_dict({"id": "1", "status": "Started", "statusCode": 0})
    done = BackgroundState.from_dict({"id": "1", "status": "Finished", "statusCode": 204})
    failed = BackgroundState.from_dict({"id": "1", "status": "Finished", "statusCode": 412})
    assert not running.done and done.done and done.succeeded and failed.failed


@pytest.mark.parametrize(
    "build",
    [
        lambda: NewSalesOrder(type="", customer=OrderCustomer(id="1")),
        lambda: OrderCustomer(id=" "),
        lambda: OrderLine(inventory_id=""),
        lambda: OrderLine(inventory_id="X", quantity=-1),
        lambda: OrderLine(inventory_id="X", supplier_id="S1"),
        lambda: NewSalesOrder(type="SO", customer=OrderCustomer(id="1"), order_id="X" * 16),
        lambda: NewSalesOrder(type="SO", customer=OrderCustomer(id="1"), status="Closed"),
    ],
    ids=[
        "no-type",
        "blank-customer",
        "no-item",
        "negative-qty",
        "supplier-without-source",
        "long-order-id",
        "bad-status",
    ],
)
def test_the_order_builder_refuses_bad_input(build):
    with pytest.raises(ValueError):
        build()


def test_the_order_builder_emits_purchase_to_order_and_extra_as_given():
    order = NewSalesOrder(
        type="SO",
        customer=OrderCustomer(id="10000"),
        order_id="WEB-1",
        lines=[
            OrderLine(
                inventory_id="X",
                purchase_order_source=PurchaseOrderSource.PURCHASE_TO_ORDER,
                supplier_id="70001",
                extra={"warehouseLocationId": "L1"},
            )
        ],
        extra={"branchId": "1"},
    )
    assert order.to_json() == {
        "type": "SO",
        "customer": {"id": "10000"},
        "orderId": "WEB-1",
        "orderLines": [
            {
                "inventoryId": "X",
                "purchaseOrderSource": "purchaseToOrder",
                "supplierId": "70001",
                "warehouseLocationId": "L1",
            }
        ],
        "branchId": "1",
    }
