"""What goes over the wire: headers, If-Match, background header, bodies, compression."""

from __future__ import annotations

import gzip
import json
import zlib

import brotli
import httpx
import pytest

import erpclient
from erpclient import Background, SupplierInvoice

from .fakes import FakeErp, make_client, ok_json

INVOICE = {"referenceNumber": "000123", "documentType": "Invoice", "timeStamp": "AAAAAE0YIiI="}
ACCEPTED = {"id": "bg-1", "stateLocation": "https://api.finance.visma.net/v1/background/bg-1"}


def test_every_request_names_the_product_and_accepts_compression():
    fake = FakeErp().on("/v1/supplierInvoice/000123", ok_json(INVOICE))
    make_client(fake).supplier_invoices.get("000123")
    request = fake.requests[0]
    assert request.headers["accept-encoding"] == "br, gzip, deflate"
    assert request.headers["user-agent"] == (
        f"vismanet-isv-portal-erpclient/{erpclient.__version__} (+httpx/{httpx.__version__})"
    )
    assert request.headers["accept"] == "application/json"
    assert "ipp-company-id" not in request.headers


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [("gzip", gzip.compress), ("br", brotli.compress), ("deflate", zlib.compress)],
)
def test_compressed_responses_are_decoded(encoding, compress):
    body = json.dumps([INVOICE] * 50).encode()
    packed = compress(body)
    assert len(packed) < len(body)
    reply = httpx.Response(200, content=packed, headers={"Content-Encoding": encoding})
    fake = FakeErp().on("/v1/supplierInvoice", reply)
    page = make_client(fake).supplier_invoices.page(page_size=100)
    assert len(page.items) == 50 and page.items[0].reference_number == "000123"


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("AAAAAE0YIiI=", '"AAAAAE0YIiI="'),
        ('"AAAAAE0YIiI="', '"AAAAAE0YIiI="'),
        ('W/"AAAAAE0YIiI="', 'W/"AAAAAE0YIiI="'),
        (" AAAAAE0YIiI= ", '"AAAAAE0YIiI="'),
        ("*", "*"),
    ],
    ids=["bare", "quoted", "weak", "padded", "any"],
)
def test_if_match_is_quoted_correctly(given, sent):
    fake = FakeErp().on("/v1/supplierInvoice/Invoice/000123", httpx.Response(204))
    client = make_client(fake)
    client.supplier_invoices.update(
        "000123", {"description": {"value": "x"}}, document_type="Invoice", if_match=given
    )
    assert fake.requests[0].headers["if-match"] == sent


def test_if_match_takes_the_etag_of_an_invoice_read_before():
    headers = {"ETag": '"FROM-HEADER="'}
    fake = FakeErp().on("/v1/supplierInvoice/000123", ok_json(INVOICE, **headers))
    fake.on("/v1/supplierInvoice/000123/action/release", httpx.Response(202, json=ACCEPTED))
    client = make_client(fake)
    invoice = client.supplier_invoices.get("000123")
    assert invoice.etag == '"FROM-HEADER="'
    client.supplier_invoices.release("000123", if_match=invoice, background=Background.none())
    assert fake.requests[1].headers["if-match"] == '"FROM-HEADER="'
    assert fake.requests[1].headers["erp-api-background"] == "none"


def test_etag_falls_back_to_the_body_timestamp():
    invoice = SupplierInvoice.from_dict(INVOICE)
    assert invoice.etag == '"AAAAAE0YIiI="'


@pytest.mark.parametrize(
    "bad",
    ["", "   ", 'AB"CD', "abc\r\nX-Evil: 1", SupplierInvoice.from_dict({})],
    ids=["empty", "blank", "inner-quote", "header-injection", "no-etag"],
)
def test_bad_if_match_is_refused_before_anything_is_sent(bad):
    fake = FakeErp().on("/v1/supplierInvoice/Invoice/000123", httpx.Response(204))
    client = make_client(fake)
    with pytest.raises(ValueError):
        client.supplier_invoices.update(
            "000123", {"description": {"value": "x"}}, document_type="Invoice", if_match=bad
        )
    assert fake.requests == [] and fake.token_requests == []


@pytest.mark.parametrize(
    ("background", "header"),
    [
        (Background.none(), "none"),
        (Background.subscription(), "subscription"),
        (
            Background.subscription(portal_job="42", tenant="t-1"),
            "subscription:portal_job=42,tenant=t-1",
        ),
        (Background.subscription({"X-Job-Id": "j9"}), "subscription:X-Job-Id=j9"),
        (Background.url("https://hooks.example.org/erp"), "https://hooks.example.org/erp"),
    ],
    ids=["none", "subscription", "subscription-correlation", "subscription-header-name", "url"],
)
def test_background_header_values(background, header):
    fake = FakeErp().on(
        "/v1/supplierInvoice/Invoice/000123/action/voidinvoice", httpx.Response(202, json=ACCEPTED)
    )
    result = make_client(fake).supplier_invoices.void("000123", background=background)
    assert fake.requests[0].headers["erp-api-background"] == header
    assert result.id == "bg-1" and result.ratelimit is None


@pytest.mark.parametrize(
    "build",
    [
        lambda: Background.subscription({"bad name": "1"}),
        lambda: Background.subscription(job="a,b"),
        lambda: Background.subscription(job="a=b"),
        lambda: Background.subscription(job=""),
        lambda: Background.subscription(job="x\r\ny"),
        lambda: Background.url("ftp://example.org/x"),
        lambda: Background.url("/relative"),
    ],
)
def test_bad_background_values_are_refused(build):
    with pytest.raises(ValueError):
        build()


def test_ipp_company_id_is_sent_to_the_financials_api_once_known():
    fake = FakeErp().on("/resources/v1/context", ok_json([{"id": 4711, "name": "Demo"}]))
    fake.on("/v1/supplierInvoice/000123", ok_json(INVOICE))
    fake.on("/api/v3/SalesOrders", ok_json({"value": [], "totalCount": 0, "nextPage": None}))
    client = make_client(fake)
    client.context.get()
    client.supplier_invoices.get("000123")
    client.sales_orders.page()
    context, invoice, orders = fake.requests
    assert "ipp-company-id" not in context.headers
    assert invoice.headers["ipp-company-id"] == "4711"
    assert "ipp-company-id" not in orders.headers  # the v3 service does not declare it


def test_path_values_are_escaped():
    fake = FakeErp().on("/v1/supplierInvoice/Invoice/A%2FB%3F1", ok_json(INVOICE))
    make_client(fake).supplier_invoices.get("A/B?1", document_type="Invoice")
    assert fake.requests[0].url.raw_path == b"/v1/supplierInvoice/Invoice/A%2FB%3F1"


def test_empty_path_values_are_refused():
    fake = FakeErp()
    client = make_client(fake)
    with pytest.raises(ValueError, match="invoiceNumber"):
        client.supplier_invoices.get("  ")
    with pytest.raises(ValueError, match="document_type"):
        client.supplier_invoices.void("000123", document_type="")
    assert fake.requests == []


def test_prebook_sends_account_and_subaccount_segments():
    fake = FakeErp().on(
        "/v1/supplierInvoice/Invoice/000123/action/prebook",
        ok_json({"actionId": "a-1", "actionResult": "Queued"}),
    )
    result = make_client(fake).supplier_invoices.prebook(
        "000123", account="4000", subaccount={1: "100", 2: "20"}
    )
    assert json.loads(fake.requests[0].content) == {
        "accountNumber": {"value": "4000"},
        "subaccount": [
            {"segmentId": 1, "segmentValue": "100"},
            {"segmentId": 2, "segmentValue": "20"},
        ],
    }
    assert fake.requests[0].headers["content-type"] == "application/json"
    assert (result.action_id, result.action_result, result.status) == ("a-1", "Queued", 200)


def test_attachments_are_uploaded_as_multipart_files():
    fake = FakeErp().on(
        "/v1/supplierInvoice/documentType/Invoice/000123/2/attachment",
        httpx.Response(201, headers={"ETag": '"NEW="', "Location": "/v1/attachment/9"}),
    )
    result = make_client(fake).supplier_invoices.attach_to_line(
        "000123",
        line_number=2,
        document_type="Invoice",
        filename="receipt.pdf",
        content=b"%PDF-1.4 test",
        content_type="application/pdf",
    )
    request = fake.requests[0]
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'filename="receipt.pdf"' in request.content
    assert (
        b"Content-Type: application/pdf" in request.content and b"%PDF-1.4 test" in request.content
    )
    assert (result.status, result.etag, result.location) == (201, '"NEW="', "/v1/attachment/9")


@pytest.mark.parametrize("filename", ["", "../etc/passwd", 'a"b.pdf', "a\r\nb.pdf"])
def test_unsafe_attachment_names_are_refused(filename):
    fake = FakeErp()
    with pytest.raises(ValueError, match="filename"):
        make_client(fake).supplier_invoices.attach("000123", filename=filename, content=b"x")
    assert fake.requests == []


def test_sales_order_create_sends_only_what_was_set_and_reads_the_location():
    fake = FakeErp().on(
        "/api/v3/SalesOrders",
        httpx.Response(
            201, headers={"Location": "https://salesorder.visma.net/api/v3/SalesOrders/SO/000223"}
        ),
    )
    order = erpclient.NewSalesOrder(
        type="SO",
        customer=erpclient.OrderCustomer(id="10000", order="PO-7"),
        lines=[
            erpclient.OrderLine(
                inventory_id="StockItem1",
                quantity=4,
                unit_price=101.25,
                purchase_order_source=erpclient.PurchaseOrderSource.DROP_SHIP,
            )
        ],
    )
    created = make_client(fake).sales_orders.create(order)
    assert json.loads(fake.requests[0].content) == {
        "type": "SO",
        "customer": {"id": "10000", "order": "PO-7"},
        "orderLines": [
            {
                "inventoryId": "StockItem1",
                "quantity": 4,
                "unitPrice": 101.25,
                "purchaseOrderSource": "dropShip",
            }
        ],
    }
    assert (created.type, created.order_id) == ("SO", "000223")
    assert created.location.endswith("/SO/000223")
