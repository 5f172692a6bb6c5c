"""Supplier invoices: list paging and filters, GET with ETag, bad filter input."""

from __future__ import annotations

import pytest

from .helpers import all_invoices, erp


@pytest.fixture
def client(sandbox):
    with erp(sandbox) as http:
        yield http


def test_list_pages_are_one_based_and_carry_metadata(client):
    first = client.get("/v1/supplierInvoice", params={"pageNumber": 1, "pageSize": 10}).json()
    second = client.get("/v1/supplierInvoice", params={"pageNumber": 2, "pageSize": 10}).json()

    assert len(first) == len(second) == 10
    assert {i["referenceNumber"] for i in first}.isdisjoint({i["referenceNumber"] for i in second})
    assert first[0]["metadata"] == {"totalCount": 208, "maxPageSize": 100}


def test_page_size_is_capped_at_max_page_size(client):
    page = client.get("/v1/supplierInvoice", params={"pageNumber": 1, "pageSize": 500}).json()

    assert len(page) == 100


def test_list_items_carry_timestamp_but_the_list_has_no_etag(client):
    response = client.get("/v1/supplierInvoice", params={"pageSize": 3})

    assert "ETag" not in response.headers
    assert all(item["timeStamp"] for item in response.json())


def test_get_one_has_an_etag_equal_to_its_timestamp(client):
    response = client.get("/v1/supplierInvoice/Invoice/100001")

    assert response.status_code == 200
    assert response.headers["ETag"].strip('"') == response.json()["timeStamp"]


def test_get_by_number_alone(client):
    response = client.get("/v1/supplierInvoice/100001")

    assert response.status_code == 200
    assert response.json()["referenceNumber"] == "100001"


def test_unknown_invoice_is_404_ipp_exception(client):
    response = client.get("/v1/supplierInvoice/Invoice/999999")

    assert response.status_code == 404
    body = response.json()
    assert body["ExceptionType"] == "IPPException"
    assert body["ExceptionMessageID"].startswith(body["ExceptionFaultCode"] + "_")


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"status": "Open"}, lambda i: i["status"] == "Open"),
        ({"status": "prebooked"}, lambda i: i["status"] == "Prebooked"),
        ({"documentType": "CreditAdj"}, lambda i: i["documentType"] == "CreditAdj"),
        ({"supplier": "50003"}, lambda i: i["supplier"]["number"] == "50003"),
        (
            {"dueDate": "2026-03-01", "dueDateCondition": ">="},
            lambda i: i["dueDate"] >= "2026-03-01",
        ),
        (
            {"lastModifiedDateTime": "2026-01-01T00:00:00", "lastModifiedDateTimeCondition": "<"},
            lambda i: i["lastModifiedDateTime"] < "2026-01-01",
        ),
        (
            {"createdDateTime": "2026-05-01", "createdDateTimeCondition": ">"},
            lambda i: i["createdDateTime"] > "2026-05-01",
        ),
    ],
)
def test_filters(client, params, check):
    expected = {i["referenceNumber"] for i in all_invoices(client) if check(i)}

    found = all_invoices(client, **params)

    assert expected
    assert {i["referenceNumber"] for i in found} == expected


def test_every_status_and_document_type_is_in_the_demo_world(client):
    everything = all_invoices(client)

    assert len(everything) == 208
    assert {i["status"] for i in everything} == {
        "Hold",
        "Balanced",
        "Voided",
        "Scheduled",
        "Open",
        "Closed",
        "Printed",
        "Prebooked",
        "Reserved",
    }
    assert {i["documentType"] for i in everything} == {
        "Check",
        "CreditAdj",
        "DebitAdj",
        "Invoice",
        "Prepayment",
        "QuickCheck",
        "Refund",
        "VoidCheck",
        "VoidQuickCheck",
    }


@pytest.mark.parametrize(
    "params",
    [
        {"dueDate": "2026-13-45", "dueDateCondition": ">"},
        {"dueDate": "yesterday", "dueDateCondition": ">"},
        {"dueDate": "2026-01-01"},
        {"lastModifiedDateTimeCondition": ">"},
        {"lastModifiedDateTime": "2026-01-01", "lastModifiedDateTimeCondition": "=="},
        {"status": "Paid"},
        {"pageNumber": "first"},
        {"pageSize": "0"},
        {"expandNote": "maybe"},
    ],
)
def test_bad_filters_get_the_erp_error_shape(client, params):
    response = client.get("/v1/supplierInvoice", params=params)

    assert response.status_code == 400
    body = response.json()
    assert body["ExceptionType"] == "IPPException"
    assert body["ExceptionMessage"]


def test_list_leaves_out_attachments_and_notes_unless_expanded(client):
    plain = client.get("/v1/supplierInvoice", params={"pageSize": 1}).json()[0]
    expanded = client.get(
        "/v1/supplierInvoice",
        params={"pageSize": 1, "expandAttachment": "true", "expandNote": "true"},
    ).json()[0]

    assert "attachments" not in plain and "note" not in plain
    assert "attachments" in expanded and "note" in expanded
