"""Contract tests: the sandbox's responses validated against the real Visma OpenAPI schemas.

Financials paths against OAS-2025, SalesOrders against SO-v3 (openapi-core, one spec load per
session). Context is absent from OAS-2025, so it is checked against the legacy Swagger 2.0
definitions; the synchronous action results, which OAS-2025 still defines as schemas but no longer
declares on the supplier invoice actions, are checked against those component schemas.
"""

from __future__ import annotations

import json

import httpx
import pytest

from erpsim.specs import FINANCIALS, SALESORDERS

from .contract import validate, validate_component, validate_legacy, validate_legacy_array
from .helpers import HEALTHY, erp

BACKGROUND = {"erp-api-background": "none"}


@pytest.fixture
def client(sandbox):
    with erp(sandbox) as http:
        yield http


def first(client, **params):
    return client.get("/v1/supplierInvoice", params={"pageSize": 100, **params}).json()[0]


def run_background(sandbox):
    sandbox.control("POST", "/_sandbox/clock", {"advance_seconds": 1})


# -- Financials API (OAS-2025) ----------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"pageNumber": 1, "pageSize": 50},
        {
            "pageNumber": 2,
            "pageSize": 100,
            "expandAttachment": "true",
            "expandApproval": "true",
            "expandNote": "true",
            "expandLinePrebookAccounts": "true",
            "expandLandedCosts": "true",
        },
        {
            "status": "Closed",
            "documentType": "Invoice",
            "lastModifiedDateTime": "2025-01-01",
            "lastModifiedDateTimeCondition": ">=",
        },
    ],
)
def test_supplier_invoice_list(client, params):
    response = client.get("/v1/supplierInvoice", params=params)

    assert response.status_code == 200 and response.json()
    validate(FINANCIALS, response)


def test_supplier_invoice_get_every_status_and_type(client):
    seen = set()
    for page in (1, 2, 3):
        for invoice in client.get(
            "/v1/supplierInvoice", params={"pageSize": 100, "pageNumber": page}
        ).json():
            key = (invoice["documentType"], invoice["status"])
            if key in seen:
                continue
            seen.add(key)
            response = client.get(
                f"/v1/supplierInvoice/{invoice['documentType']}/{invoice['referenceNumber']}",
                params={"expandLinePrebookAccounts": "true", "expandLandedCosts": "true"},
            )
            validate(FINANCIALS, response)
    by_number = client.get("/v1/supplierInvoice/100001")
    validate(FINANCIALS, by_number)
    assert len(seen) > 10


def test_supplier_invoice_put_204_and_412(client, sandbox):
    invoice = first(client, status="Balanced")
    path = f"/v1/supplierInvoice/{invoice['documentType']}/{invoice['referenceNumber']}"
    ok = client.put(
        path,
        json={"description": {"value": "x"}, "hold": {"value": True}},
        headers={"If-Match": f'"{invoice["timeStamp"]}"'},
    )
    stale = client.put(
        path, json={"description": {"value": "y"}}, headers={"If-Match": '"AAAAAAAAAAE="'}
    )
    by_number = client.put(
        f"/v1/supplierInvoice/{invoice['referenceNumber']}", json={"note": {"value": "n"}}
    )

    assert (ok.status_code, stale.status_code, by_number.status_code) == (204, 412, 204)
    for response in (ok, stale, by_number):
        validate(FINANCIALS, response)


def test_prebooked_document_with_line_prebook_accounts(client):
    invoice = first(client, status="Balanced", documentType="Invoice")
    path = f"/v1/supplierInvoice/Invoice/{invoice['referenceNumber']}"
    client.post(f"{path}/action/prebook", json={"accountNumber": {"value": "2990"}})
    response = client.get(path, params={"expandLinePrebookAccounts": "true"})

    assert response.json()["invoiceLines"][0]["prebookAccount"]["number"] == "2990"
    validate(FINANCIALS, response)


@pytest.mark.parametrize(
    ("status", "suffix", "schema", "body"),
    [
        ("Balanced", "action/release", "ReleaseSupplierInvoiceActionResultDto", None),
        (
            "Balanced",
            "action/prebook",
            "PrebookSupplierInvoiceActionResultDto",
            {"accountNumber": {"value": "2990"}},
        ),
        ("Prebooked", "action/voidinvoice", "ReleaseSupplierInvoiceActionResultDto", None),
        ("Hold", "action/sendtoapproval", "SendToApprovalResult", None),
        ("Open", "action/reverse", "ReverseInvoiceActionResultDto", None),
    ],
)
def test_synchronous_action_results(client, status, suffix, schema, body):
    candidates = client.get(
        "/v1/supplierInvoice", params={"status": status, "documentType": "Invoice", "pageSize": 100}
    ).json()
    invoice = next(i for i in candidates if i["approvalStatus"] == "New" or status != "Hold")
    response = client.post(
        f"/v1/supplierInvoice/Invoice/{invoice['referenceNumber']}/{suffix}", json=body
    )

    assert response.status_code == 200, response.text
    validate_component(FINANCIALS, schema, response.json())
    if schema != "ReverseInvoiceActionResultDto":
        # The legacy spec declared these very DTOs as the 200 answers.
        legacy = {"action/voidinvoice": "VoidSupplierInvoiceActionResultDto"}.get(suffix, schema)
        validate_legacy(legacy, response.json())


def test_correct_result(client):
    invoice = next(
        i
        for i in client.get(
            "/v1/supplierInvoice",
            params={"status": "Open", "documentType": "Invoice", "pageSize": 100},
        ).json()
        if i["balance"] == i["amount"]
    )
    response = client.post(f"/v1/supplierInvoice/{invoice['referenceNumber']}/action/correct")

    validate_component(FINANCIALS, "CorrectSupplierInvoiceActionResultDto", response.json())
    validate_legacy("CorrectSupplierInvoiceActionResultDto", response.json())


@pytest.mark.parametrize(
    "suffix",
    [
        "action/release",
        "action/voidinvoice",
        "action/sendtoapproval",
        "action/reverse",
        "action/prebook",
    ],
)
def test_actions_in_the_background_answer_202(client, suffix):
    invoice = first(client, status="Balanced", documentType="Invoice")
    response = client.post(
        f"/v1/supplierInvoice/Invoice/{invoice['referenceNumber']}/{suffix}",
        json={"accountNumber": {"value": "2990"}} if suffix.endswith("prebook") else None,
        headers=BACKGROUND,
    )

    assert response.status_code == 202
    validate(FINANCIALS, response)


def test_by_number_actions_in_the_background_answer_202(client):
    invoice = first(client, status="Open", documentType="Invoice")
    for suffix in ("action/release", "action/correct"):
        response = client.post(
            f"/v1/supplierInvoice/{invoice['referenceNumber']}/{suffix}", headers=BACKGROUND
        )
        assert response.status_code == 202
        validate(FINANCIALS, response)


def test_reads_and_writes_in_the_background_answer_202(client):
    invoice = first(client, status="Balanced")
    responses = [
        client.get("/v1/supplierInvoice", params={"pageSize": 5}, headers=BACKGROUND),
        client.get("/v1/supplierInvoice/100001", headers=BACKGROUND),
        client.get("/v1/supplierInvoice/Invoice/100001", headers=BACKGROUND),
        client.put(
            f"/v1/supplierInvoice/{invoice['documentType']}/{invoice['referenceNumber']}",
            json={"note": {"value": "n"}},
            headers=BACKGROUND,
        ),
    ]
    for response in responses:
        assert response.status_code == 202
        validate(FINANCIALS, response)


def test_attachments_201(client):
    invoice = first(client, status="Open")
    kind, number = invoice["documentType"], invoice["referenceNumber"]
    pdf = {"file": ("faktura.pdf", b"%PDF-1.4", "application/pdf")}
    responses = [
        client.post(f"/v1/supplierInvoice/{number}/attachment", files=pdf),
        client.post(f"/v1/supplierInvoice/{number}/1/attachment", files=pdf),
        client.post(f"/v1/supplierInvoice/documentType/{kind}/{number}/attachment", files=pdf),
        client.post(f"/v1/supplierInvoice/documentType/{kind}/{number}/1/attachment", files=pdf),
    ]
    for response in responses:
        assert response.status_code == 201
        validate(FINANCIALS, response)
    validate(FINANCIALS, client.get(f"/v1/supplierInvoice/{kind}/{number}"))


def test_background_state_and_content(client, sandbox):
    accepted = client.get("/v1/supplierInvoice/Invoice/100001", headers=BACKGROUND).json()
    started = client.get(accepted["stateLocation"])
    run_background(sandbox)
    finished = client.get(accepted["stateLocation"])
    content = client.get(f"{accepted['stateLocation']}/content")
    missing = client.get("/v1/background/00000000-0000-4000-8000-000000000000")
    no_content = client.get("/v1/background/00000000-0000-4000-8000-000000000000/content")

    assert (started.status_code, finished.status_code, content.status_code) == (200, 200, 200)
    for response in (started, finished, content, missing, no_content):
        validate(FINANCIALS, response)


def test_background_content_after_retention_is_410(client, sandbox):
    accepted = client.get("/v1/supplierInvoice/Invoice/100001", headers=BACKGROUND).json()
    run_background(sandbox)
    sandbox.control("POST", "/_sandbox/clock", {"advance_seconds": 24 * 3600})
    with erp(sandbox) as fresh:
        gone = fresh.get(f"{accepted['stateLocation']}/content")

    assert gone.status_code == 410
    validate(FINANCIALS, gone)


def test_ipp_exception_shape(client):
    response = client.get("/v1/supplierInvoice/Invoice/999999")

    assert set(response.json()) == {
        "ExceptionType",
        "ExceptionMessage",
        "ExceptionFaultCode",
        "ExceptionMessageID",
        "ExceptionDetails",
    }


# -- Financials lookups for the order form (OAS-2025) -------------------------------------------


def test_order_types_and_numbering(client):
    responses = [
        client.get("/v1/salesordertype"),
        client.get("/v1/salesordertype", params={"pageNumber": 1, "pageSize": 1}),
        client.get("/v1/salesordertype/SO"),
        client.get("/v1/salesordertype/qt"),
        client.get("/v1/numberSequence"),
        client.get("/v1/numberSequence/SO"),
    ]
    assert [r.status_code for r in responses] == [200] * 6
    for response in responses:
        validate(FINANCIALS, response)


def test_suppliers(client):
    responses = [
        client.get("/v1/supplier"),
        client.get("/v1/supplier", params={"status": "Inactive", "pageSize": 5}),
        client.get("/v1/supplier", params={"name": "kontor", "greaterThanValue": "50000"}),
        client.get(
            "/v1/supplier",
            params={"lastModifiedDateTime": "2026-01-01", "lastModifiedDateTimeCondition": ">="},
        ),
        client.get("/v1/supplier/50011"),
    ]
    assert [r.status_code for r in responses] == [200] * 5
    for response in responses:
        validate(FINANCIALS, response)


def test_inventory_items_with_price(client):
    responses = [
        client.get("/v1/inventory"),
        client.get(
            "/v1/inventory",
            params={
                "expandAttribute": "true",
                "expandSupplierDetails": "true",
                "expandWarehouseDetail": "true",
                "pageNumber": 1,
                "pageSize": 5,
            },
        ),
        client.get("/v1/inventory", params={"attributes": '{"DEFAULTPOSOURCE":"dropShip"}'}),
        client.get("/v1/inventory", params={"description": "sofa", "status": "Active"}),
        client.get("/v1/inventory/BIKE-CITY"),
        client.get("/v1/inventory/SERVICE-HOUR"),
    ]
    assert [r.status_code for r in responses] == [200] * 6
    for response in responses:
        validate(FINANCIALS, response)


# -- supplier payments and the ledger (OAS-2025) ---------------------------------------------


def test_supplier_payment_list_get_put(client):
    payment = client.get(
        "/v1/supplierPayment", params={"status": "Balanced", "pageSize": 5}
    ).json()[0]
    path = f"/v1/supplierPayment/{payment['refNbr']}"
    responses = [
        client.get("/v1/supplierPayment"),
        client.get(
            "/v1/supplierPayment",
            params={
                "paymentType": "Payment",
                "status": "Closed",
                "lastModifiedDateTime": "2025-01-01",
                "lastModifiedDateTimeCondition": ">",
                "pageNumber": 1,
                "pageSize": 10,
            },
        ),
        client.get(path),
        client.get(f"/v1/supplierPayment/{payment['type']}/{payment['refNbr']}"),
        client.put(
            path,
            json={"description": {"value": "Kontrollert"}, "hold": {"value": False}},
            headers={"If-Match": f'"{payment["timeStamp"]}"'},
        ),
        client.put(path, json={"paymentRef": {"value": "x"}}, headers={"If-Match": '"AAAA"'}),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 204, 412]
    for response in responses:
        validate(FINANCIALS, response)


def test_supplier_payment_release(client):
    payment = client.get(
        "/v1/supplierPayment", params={"status": "Balanced", "paymentType": "Payment"}
    ).json()
    path = f"/v1/supplierPayment/{payment[0]['refNbr']}/action/release"
    released = client.post(path, json={"type": {"value": "Payment"}})
    queued = client.post(
        f"/v1/supplierPayment/{payment[1]['refNbr']}/action/release", headers=BACKGROUND
    )
    stale = client.post(
        f"/v1/supplierPayment/{payment[2]['refNbr']}/action/release",
        headers={**BACKGROUND, "If-Match": '"AAAA"'},
    )

    assert (released.status_code, queued.status_code, stale.status_code) == (200, 202, 202)
    validate_component(FINANCIALS, "ReleasePaymentActionResultDto", released.json())
    validate_legacy("ReleasePaymentActionResultDto", released.json())
    validate(FINANCIALS, queued)
    validate(FINANCIALS, client.get(f"/v1/supplierPayment/{payment[0]['refNbr']}"))


def test_accounts_and_subaccounts(client):
    responses = [
        client.get("/v1/account"),
        client.get("/v1/account", params={"active": "true", "greaterThanValue": "3000"}),
        client.get("/v1/subaccount"),
        client.get("/v1/subaccount", params={"pageNumber": 2, "pageSize": 5}),
    ]
    assert [r.status_code for r in responses] == [200] * 4
    for response in responses:
        validate(FINANCIALS, response)


def test_webhook_notification_feedback(client):
    responses = [
        client.post(
            "/v1/webhooknotificationfeedback",
            json={
                "notificationId": "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
                "source": "ISV portal",
                "description": "Operation failed",
                "isSuccess": False,
            },
        ),
        client.post(
            "/v1/webhooknotificationfeedback",
            json={"notificationId": "3f2504e0-4f89-41d3-9a0c-0305e82c3301", "isSuccess": True},
            headers=BACKGROUND,
        ),
    ]
    assert [r.status_code for r in responses] == [201, 202]
    for response in responses:
        validate(FINANCIALS, response)


# -- Context (legacy Swagger 2.0 definitions) ----------------------------------------------------


def test_context_endpoints(client):
    context = client.get("/resources/v1/context")
    usercontexts = client.get("/security/api/v1/token/usercontexts")
    company = client.get(f"/resources/v1/context/{HEALTHY['company_id']}")

    validate_legacy_array("ContextInformation", context.json())
    validate_legacy_array("ContextInformation", usercontexts.json())
    validate_legacy("CompanyDto", company.json())


# -- SalesOrders v3 ------------------------------------------------------------------------------


def test_salesorder_create_201_400_409(client):
    created = client.post(
        "/api/v3/SalesOrders",
        json={
            "type": "SO",
            "orderId": "C-1",
            "customer": {"id": "10000"},
            "orderLines": [{"inventoryId": "BIKE-CITY", "quantity": 1}],
        },
    )
    invalid = client.post(
        "/api/v3/SalesOrders", json={"type": "SO", "customer": {"id": "10000"}, "x": 1}
    )
    conflict = client.post(
        "/api/v3/SalesOrders", json={"type": "SO", "orderId": "C-1", "customer": {"id": "10000"}}
    )

    assert (created.status_code, invalid.status_code, conflict.status_code) == (201, 400, 409)
    for response in (created, invalid, conflict):
        validate(SALESORDERS, response)


def test_salesorder_full_create_and_read(client):
    created = client.post(
        "/api/v3/SalesOrders",
        json={
            "type": "SO",
            "customer": {"id": "10004", "order": "PO-77", "refNo": "R-1", "locationId": "MAIN"},
            "date": "2026-11-20T00:00:00Z",
            "requestOn": "2026-12-01T00:00:00+01:00",
            "description": "Full",
            "note": "Leveres bakdør",
            "currencyId": "SEK",
            "salesPersonId": "SP02",
            "status": "Open",
            "billing": {
                "address": {
                    "line1": "Kungsgatan 1",
                    "city": "Göteborg",
                    "postalCode": "41119",
                    "countryId": "SE",
                },
                "contact": {"name": "Anna", "email": "anna@example.com", "phone1": "+46 31 000"},
            },
            "shipping": {"preferredWarehouseId": "MAIN", "saturdayDelivery": True, "priority": 1},
            "financialInformation": {"postPeriod": "112026", "invoiceSeparately": True},
            "paymentSettings": {"paymentReference": "OCR 123"},
            "print": {"descriptionOnInvoice": True},
            "orderLines": [
                {"inventoryId": "KITCHEN-CUSTOM", "quantity": 1, "discountPercent": 10},
                {
                    "inventoryId": "STOCKITEM1",
                    "quantity": 3,
                    "unitPrice": 1500,
                    "purchaseOrderSource": "dropShip",
                    "supplierId": "50011",
                    "warehouseId": "EXTERNAL",
                    "unitOfMeasure": "PCS",
                    "subaccount": {"1": "100"},
                },
                {"inventoryId": "SERVICE-HOUR", "quantity": 2, "purchaseOrderSource": ""},
            ],
        },
    )
    location = created.headers["Location"]
    responses = [
        client.get(location),
        client.get(location, params={"expand": "All"}),
        client.get(location, params=[("expand", "Billing"), ("expand", "Customer")]),
        client.get(f"{location}/lines"),
        client.get(f"{location}/lines/2"),
        client.get(f"{location}/lines/99"),
    ]
    assert created.status_code == 201
    for response in responses:
        validate(SALESORDERS, response)


def test_salesorder_lists(client):
    responses = [
        client.get("/api/v3/SalesOrders"),
        client.get(
            "/api/v3/SalesOrders", params={"pageSize": 3, "pageIndex": 1, "orderBy": "created desc"}
        ),
        client.get("/api/v3/SalesOrders/SO", params={"status": "Hold", "customerId": "10002"}),
        client.get("/api/v3/SalesOrders", params={"orderBy": "sideways"}),
        client.get("/api/v3/SalesOrders/SO/NOPE"),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 400, 404]
    for response in responses:
        validate(SALESORDERS, response)


def test_salesorder_delete(client):
    location = client.post(
        "/api/v3/SalesOrders", json={"type": "SO", "customer": {"id": "10000"}}
    ).headers["Location"]
    response = client.delete(location, headers={"If-Match": client.get(location).headers["ETag"]})
    missing = client.delete(location, headers={"If-Match": "*"})

    assert (response.status_code, missing.status_code) == (202, 404)
    validate(SALESORDERS, response)
    validate(SALESORDERS, missing)


def test_customers_and_inventory(client):
    responses = [
        client.get("/api/v3/Customers"),
        client.get("/api/v3/Customers", params={"filter": "AB", "pageSize": 2, "pageIndex": 1}),
        client.get("/api/v3/Customers/10001/locations"),
        client.get("/api/v3/Customers/99999/locations"),
        client.get("/api/v3/Inventory"),
        client.get("/api/v3/Inventory", params={"expand": "All", "warehouseId": "MAIN"}),
        client.get(
            "/api/v3/Inventory",
            params=[
                ("inventoryId", "BIKE-CITY"),
                ("inventoryId", "FREIGHT"),
                ("expand", "Location"),
            ],
        ),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 404, 200, 200, 200]
    for response in responses:
        validate(SALESORDERS, response)


def test_salesorder_with_a_delivery_location_po_lines_and_a_currency_override(client):
    created = client.post(
        "/api/v3/SalesOrders",
        json={
            "type": "SO",
            "orderId": "FORM-1",
            "customer": {"id": "10004", "locationId": "HISINGEN"},
            "currencyId": "NOK",
            "orderLines": [
                {"inventoryId": "BIKE-CITY", "quantity": 1},
                {
                    "inventoryId": "STOCKITEM2",
                    "quantity": 2,
                    "purchaseOrderSource": "purchaseToOrder",
                    "supplierId": "50005",
                },
                {"inventoryId": "SOFA-3SEAT", "quantity": 1, "purchaseOrderSource": ""},
            ],
        },
    )
    location = created.headers["Location"]
    responses = [
        client.get(location, params={"expand": "All"}),
        client.get(f"{location}/lines"),
        client.get("/api/v3/Customers/10002/locations"),
        client.get("/api/v3/SalesOrders", params={"customerId": "10004"}),
    ]
    refused = [
        client.post(
            "/api/v3/SalesOrders",
            json={"type": "SO", "customer": {"id": "10000"}, "currencyId": "SEK"},
        ),
        client.post(
            "/api/v3/SalesOrders",
            json={"type": "SO", "customer": {"id": "10000", "locationId": "NOWHERE"}},
        ),
        client.post(
            "/api/v3/SalesOrders",
            json={"type": "QT", "orderId": "Q-9", "customer": {"id": "10000"}},
        ),
    ]
    assert created.status_code == 201
    assert [r.status_code for r in refused] == [400] * 3
    for response in responses + refused:
        validate(SALESORDERS, response)


def test_salesorders_401_and_403(sandbox):
    with erp(sandbox, tenant_id=HEALTHY["customer_tenant_id"]) as customer_tenant:
        unauthorized = customer_tenant.get("/api/v3/SalesOrders")
    with erp(sandbox, scope="vismanet_erp_service_api:read") as no_scope:
        forbidden = no_scope.post(
            "/api/v3/SalesOrders", json={"type": "SO", "customer": {"id": "10000"}}
        )

    assert (unauthorized.status_code, forbidden.status_code) == (401, 403)
    validate(SALESORDERS, unauthorized)
    validate(SALESORDERS, forbidden)


# -- the checks themselves can fail ---------------------------------------------------------


def _with_body(response, body):
    return httpx.Response(
        response.status_code,
        headers={"Content-Type": "application/json"},
        content=json.dumps(body).encode(),
        request=response.request,
    )


@pytest.mark.parametrize(
    "mutate",
    [
        lambda dto: {**dto, "dueDate": "31.12.2026"},
        lambda dto: {**dto, "status": "Paid"},
        lambda dto: {**dto, "timeStamp": "not base64!"},
        lambda dto: {**dto, "amount": "1000"},
    ],
)
def test_validation_catches_a_wrong_financials_shape(client, mutate):
    response = client.get("/v1/supplierInvoice/Invoice/100001")

    with pytest.raises(Exception, match=r"(?i)invalid|not valid|format|type|enum"):
        validate(FINANCIALS, _with_body(response, mutate(response.json())))


@pytest.mark.parametrize(
    "mutate",
    [
        lambda dto: {**dto, "markForPO": True},
        lambda dto: {**dto, "date": None},
        lambda dto: {**dto, "orderQty": "3"},
    ],
)
def test_validation_catches_a_wrong_salesorder_shape(client, mutate):
    response = client.get("/api/v3/SalesOrders/SO/000001")

    with pytest.raises(Exception, match=r"(?i)invalid|not valid|additional|none|type"):
        validate(SALESORDERS, _with_body(response, mutate(response.json())))


@pytest.mark.parametrize(
    ("path", "mutate"),
    [
        ("/v1/supplier/50011", lambda dto: {**dto, "status": "Sleeping"}),
        ("/v1/inventory/BIKE-CITY", lambda dto: {**dto, "type": "Bicycle"}),
        ("/v1/inventory/BIKE-CITY", lambda dto: {**dto, "defaultPrice": "6990"}),
        ("/v1/salesordertype/SO", lambda dto: {**dto, "behavior": "Order"}),
        ("/v1/numberSequence/SO", lambda dto: {**dto, "manualNumbering": "yes"}),
        ("/v1/supplierPayment/300001", lambda dto: {**dto, "type": "Cheque"}),
        ("/v1/supplierPayment/300001", lambda dto: {**dto, "status": "Paid"}),
        (
            "/v1/supplierPayment/300001",
            lambda dto: {**dto, "paymentLines": [{"docType": "Bill"}]},
        ),
    ],
)
def test_validation_catches_a_wrong_lookup_shape(client, path, mutate):
    response = client.get(path)

    with pytest.raises(Exception, match=r"(?i)invalid|not valid|enum|type"):
        validate(FINANCIALS, _with_body(response, mutate(response.json())))
