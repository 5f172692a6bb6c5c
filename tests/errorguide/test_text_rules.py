"""Errors recognised by the ERP's words and codes, read through erpclient from fake answers
(one layer: erpclient's mapping of bodies to errors is tested in tests/erpclient)."""

from __future__ import annotations

import pytest

from erpclient import errors
from errorguide import Owner, explain
from tests.erpclient.fakes import FakeErp, error_json, make_client

INVOICE = "/v1/supplierInvoice/Invoice/000123"


def _error_from(status: int, body, path: str = INVOICE, call=None) -> errors.ErpError:
    client = make_client(FakeErp().on(path, error_json(status, body)))
    with pytest.raises(errors.ErpError) as caught:
        if call is None:
            client.supplier_invoices.get("000123", "Invoice")
        else:
            call(client)
    return caught.value


def _ipp(message: str, fault: str = "") -> dict:
    return {
        "ExceptionType": "IPPException",
        "ExceptionMessage": message,
        "ExceptionFaultCode": fault,
        "ExceptionMessageID": f"{fault}_6e2a06a8",
        "ExceptionDetails": "",
    }


def test_the_seed_articles_vat_message_leads_through_zone_category_and_vat_id():
    error = _error_from(400, _ipp("VismaId: 9d1e. TaxID '01' cannot be found in the system."))
    reading = explain(error, company="Nordlys Handel AS", isv="Acme")
    entry = reading.first
    assert entry.key == "vat_id_not_found"
    assert entry.owner is Owner.CUSTOMER_ADMIN
    assert "VAT id 01" in entry.title
    steps = " ".join(entry.actions)
    for screen_id in ("AR303000", "AP303000", "TX2060PL", "IN202500", "IN202000", "TX2055PL"):
        assert screen_id in steps
    assert "TaxID '01'" in entry.customer_message and "Nordlys Handel AS" in entry.customer_message


@pytest.mark.parametrize(
    ("message", "key"),
    [
        ("Manual numbering is not allowed for this number series.", "manual_numbering_refused"),
        ("The overrideNumberSeries option is not allowed.", "override_number_series_refused"),
    ],
)
def test_refused_own_numbers_point_at_number_series_cs201010(message, key):
    reading = explain(_error_from(400, _ipp(message)))
    assert reading.first.key == key
    assert "CS201010" in " ".join(reading.first.actions)
    assert "Allow manual numbering on imports" in reading.first.customer_message


def test_each_v3_detail_is_explained_on_its_own_field():
    body = {
        "title": "One or more validation errors occurred.",
        "status": 400,
        "errors": {"orderLines[1].inventoryId": ["InventoryId cannot be found or is invalid"]},
        "details": [
            {
                "code": "1804-InventoryIdNotFound",
                "message": "InventoryId cannot be found or is invalid",
                "parameters": {"property": "orderLines[1].inventoryId"},
            },
            {
                "code": "1401-MissingTermsId",
                "message": "TermsId cannot be empty in the order.",
                "parameters": {"property": "customer.termsId"},
            },
            {"code": "9999-SomethingNew", "message": "A rule nobody told us of"},
        ],
    }
    error = _error_from(
        400,
        body,
        path="/api/v3/SalesOrders",
        call=lambda client: client.sales_orders.create({"type": "SO", "customer": {"id": "1"}}),
    )
    reading = explain(error, company="Nordlys Handel AS", isv="Acme")
    item, terms, new = reading.explanations
    assert (item.key, item.field_path, item.short) == (
        "v3:1804-InventoryIdNotFound",
        "orderLines[1].inventoryId",
        "not found in the ERP",
    )
    assert item.code == "1804-InventoryIdNotFound"
    assert terms.owner is Owner.CUSTOMER_ADMIN and "credit terms" in terms.customer_message
    assert "1401-MissingTermsId" in terms.customer_message
    assert not new.known and new.code == "9999-SomethingNew"
    assert new.erp_message == "A rule nobody told us of"
    assert not reading.known


def test_an_own_order_id_on_a_self_numbering_type_is_the_manual_numbering_entry():
    body = {
        "status": 400,
        "details": [
            {
                "code": "0004-ValueNotAllowed",
                "message": "Value not allowed",
                "parameters": {"property": "orderId"},
            }
        ],
    }
    error = _error_from(
        400,
        body,
        path="/api/v3/SalesOrders",
        call=lambda client: client.sales_orders.create(
            {"type": "SO", "customer": {"id": "1"}, "orderId": "P-1"}
        ),
    )
    assert explain(error).first.key == "manual_numbering_refused"


def test_an_error_nobody_catalogued_keeps_the_erps_words_and_raw_body():
    error = _error_from(418, {"Message": "I am a teapot"})
    reading = explain(error)
    assert not reading.known
    assert reading.first.erp_message == "I am a teapot"
    assert "teapot" in reading.raw
    assert reading.status == 418 and reading.path == INVOICE
