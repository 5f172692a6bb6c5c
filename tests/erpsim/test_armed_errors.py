"""Armed ERP errors (POST /_sandbox/faults/erp-error): the next matching request answers with the
named error in the real shape, once, for its tenant and path only; bad input is refused."""

from __future__ import annotations

import httpx
import pytest

from .helpers import HEALTHY, tenant_for, token

ORDER = {"type": "SO", "customer": {"id": "10000"}, "orderLines": [{"inventoryId": "STOCKITEM1"}]}


def _client(sandbox, scenario: str = "healthy") -> httpx.Client:
    tenant = tenant_for(scenario)
    headers = {"Authorization": f"Bearer {token(sandbox, tenant_id=tenant['tenant_id'])}"}
    return httpx.Client(base_url=sandbox.url, headers=headers)


def _arm(sandbox, **body):
    return sandbox.control("POST", "/_sandbox/faults/erp-error", body)


def test_an_armed_v3_code_answers_the_next_order_once_in_the_real_shape(sandbox):
    _arm(sandbox, error="v3:1601-FinancialPeriodClosed", property="financialInformation.postPeriod")
    assert len(sandbox.control("GET", "/_sandbox/faults/erp-error")) == 1
    with _client(sandbox) as client:
        refused = client.post("/api/v3/SalesOrders", json=ORDER)
        assert refused.status_code == 400
        detail = refused.json()["details"][0]
        assert detail["code"] == "1601-FinancialPeriodClosed"
        assert detail["parameters"]["property"] == "financialInformation.postPeriod"
        assert refused.json()["errors"] == {"financialInformation.postPeriod": [detail["message"]]}
        assert client.post("/api/v3/SalesOrders", json=ORDER).status_code == 201
    assert sandbox.control("GET", "/_sandbox/faults/erp-error") == []


def test_a_financials_message_of_the_articles_comes_as_an_ipp_exception(sandbox):
    _arm(sandbox, error="vat_id_not_found", method="GET", path="/v1/supplierInvoice", value="03")
    with _client(sandbox) as client:
        answer = client.get("/v1/supplierInvoice")
    assert answer.status_code == 400
    body = answer.json()
    assert body["ExceptionType"] == "IPPException"
    assert "TaxID '03' cannot be found in the system" in body["ExceptionMessage"]
    assert body["ExceptionMessage"].startswith("VismaId: ")


def test_an_armed_error_waits_for_its_tenant_and_path(sandbox):
    _arm(
        sandbox,
        error="conflict",
        method="GET",
        path="/v1/supplierInvoice",
        tenant_id=HEALTHY["tenant_id"],
    )
    with _client(sandbox, "near_limit") as other:
        assert other.get("/v1/supplierInvoice").status_code == 200
    with _client(sandbox) as client:
        assert client.get("/v1/supplierInvoice/1").status_code != 409
        assert client.get("/v1/supplierInvoice").status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {"error": "v3:9999-NoSuchCode"},
        {"error": "something_else"},
        {"error": "conflict", "method": "TRACE"},
        {"error": "conflict", "path": "no-slash"},
        {"error": "conflict", "value": 5},
    ],
)
def test_bad_input_is_refused_and_nothing_is_armed(sandbox, body):
    with pytest.raises(httpx.HTTPStatusError) as refused:
        _arm(sandbox, **body)
    assert refused.value.response.status_code == 400
    assert sandbox.control("GET", "/_sandbox/faults/erp-error") == []


def test_a_reset_disarms(sandbox):
    _arm(sandbox, error="conflict")
    sandbox.reset()
    assert sandbox.control("GET", "/_sandbox/faults/erp-error") == []
