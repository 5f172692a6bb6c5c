"""Bearer tokens on ERP calls, the customer-tenant 401, and the Context endpoint."""

from __future__ import annotations

import httpx

from .helpers import HEALTHY, erp, tenant_for, token


def test_context_lists_the_one_company_of_the_token(sandbox):
    with erp(sandbox) as client:
        response = client.get("/resources/v1/context")

    assert response.status_code == 200
    assert response.json() == [
        {"id": HEALTHY["company_id"], "name": HEALTHY["name"], "type": "Company"}
    ]


def test_company_details_for_the_token_company(sandbox):
    with erp(sandbox) as client:
        response = client.get(f"/resources/v1/context/{HEALTHY['company_id']}")
        other = client.get("/resources/v1/context/1")

    assert response.status_code == 200
    assert response.json()["companyName"] == HEALTHY["name"]
    assert other.status_code == 403


def test_no_token_is_401(sandbox):
    response = httpx.get(f"{sandbox.url}/v1/supplierInvoice")

    assert response.status_code == 401
    assert "Message" in response.json()


def test_garbage_token_is_401(sandbox):
    response = httpx.get(
        f"{sandbox.url}/v1/supplierInvoice", headers={"Authorization": "Bearer not.a.token"}
    )

    assert response.status_code == 401


def test_forged_signature_is_401(sandbox):
    header, payload, _signature = token(sandbox).split(".")
    response = httpx.get(
        f"{sandbox.url}/resources/v1/context",
        headers={"Authorization": f"Bearer {header}.{payload}.AAAA"},
    )

    assert response.status_code == 401


def test_token_expires_after_an_hour_of_sandbox_time(sandbox):
    with erp(sandbox) as client:
        assert client.get("/resources/v1/context").status_code == 200
        sandbox.control("POST", "/_sandbox/clock", {"advance_seconds": 3600})
        response = client.get("/resources/v1/context")

    assert response.status_code == 401
    assert "expired" in response.headers["WWW-Authenticate"]


def test_customer_tenant_id_token_gets_401_from_the_erp(sandbox):
    with erp(sandbox, tenant_id=HEALTHY["customer_tenant_id"]) as client:
        financials = client.get("/resources/v1/context")
        orders = client.get("/api/v3/SalesOrders")

    assert financials.status_code == 401
    assert orders.status_code == 401


def test_customer_tenant_scenario_gets_401_from_the_erp(sandbox):
    with erp(sandbox, tenant_id=tenant_for("customer_tenant")["tenant_id"]) as client:
        response = client.get("/v1/supplierInvoice")

    assert response.status_code == 401


def test_ipp_company_id_header_for_another_company_is_12002(sandbox):
    with erp(sandbox) as client:
        right = client.get(
            "/resources/v1/context", headers={"ipp-company-id": str(HEALTHY["company_id"])}
        )
        wrong = client.get("/resources/v1/context", headers={"ipp-company-id": "42"})

    assert right.status_code == 200
    assert wrong.status_code == 400
    assert wrong.json()["ExceptionFaultCode"] == "12002"


def test_token_without_tenant_has_no_company_context(sandbox):
    with erp(sandbox, tenant_id=None) as client:
        response = client.get("/v1/supplierInvoice")

    assert response.status_code == 400
    assert response.json()["ExceptionFaultCode"] == "12002"


def test_paths_are_case_insensitive_on_the_financials_api(sandbox):
    with erp(sandbox) as client:
        camel = client.get("/v1/supplierInvoice/Invoice/100001")
        lower = client.get("/v1/supplierinvoice/invoice/100001")

    assert camel.status_code == lower.status_code == 200
    assert camel.json()["referenceNumber"] == lower.json()["referenceNumber"]


def test_unknown_financials_path_is_404_in_the_web_api_shape(sandbox):
    with erp(sandbox) as client:
        response = client.get("/v1/doesnotexist")

    assert response.status_code == 404
    assert "No HTTP resource was found" in response.json()["Message"]
