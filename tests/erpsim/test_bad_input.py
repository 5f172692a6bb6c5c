"""Bad input anywhere gets the API's own error shape, never a traceback, and changes nothing."""

from __future__ import annotations

import httpx
import pytest

from .helpers import HEALTHY, erp

HUGE = b"x" * (10 * 1024 * 1024 + 1)


@pytest.fixture
def client(sandbox):
    with erp(sandbox) as http:
        yield http


def test_huge_body_to_salesorders_is_413_problem_details(client):
    before = client.get("/api/v3/SalesOrders", params={"pageSize": 1}).json()["totalCount"]
    response = client.post(
        "/api/v3/SalesOrders", content=HUGE, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413
    assert response.json()["status"] == 413
    assert client.get("/api/v3/SalesOrders", params={"pageSize": 1}).json()["totalCount"] == before


def test_huge_body_to_financials_is_413_ipp_exception(client):
    response = client.put(
        "/v1/supplierInvoice/Invoice/100001",
        content=HUGE,
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 413
    assert response.json()["ExceptionType"] == "IPPException"


def test_huge_body_to_the_token_endpoint_is_413_oauth_error(sandbox):
    response = httpx.post(
        f"{sandbox.url}/connect/token",
        content=HUGE,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 413
    assert response.json()["error"] == "invalid_request"


def test_malformed_json_on_put_is_400_ipp_exception(client):
    response = client.put(
        "/v1/supplierInvoice/Invoice/100001",
        content=b'{"description": ',
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert "not valid JSON" in response.json()["ExceptionMessage"]


def test_body_that_is_not_utf8_is_400(client):
    response = client.post(
        "/api/v3/SalesOrders", content=b"\xff\xfe\x00", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json()["details"]


def test_wrong_method_is_405_in_each_shape(client, sandbox):
    financials = client.delete("/resources/v1/context")
    orders = client.put("/api/v3/SalesOrders")
    control = httpx.delete(f"{sandbox.url}/_sandbox/reset")

    assert financials.status_code == orders.status_code == control.status_code == 405
    assert "does not support http method" in financials.json()["Message"]
    assert orders.json()["status"] == 405
    assert control.json()["error"]


def test_unknown_salesorders_path_is_404_problem(client):
    response = client.get("/api/v3/Nothing")

    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_bad_paging_on_salesorders_is_400(client):
    assert client.get("/api/v3/SalesOrders", params={"pageIndex": -1}).status_code == 400
    assert client.get("/api/v3/SalesOrders", params={"pageSize": "many"}).status_code == 400
    assert (
        client.get("/api/v3/SalesOrders", params={"modifiedSince": "last week"}).status_code == 400
    )


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/_sandbox/clients", {"client_id": "isv_x"}),
        ("/_sandbox/clients", {"client_id": "isv_x", "client_secret": "s", "type": "gold"}),
        (
            "/_sandbox/clients",
            {"client_id": "isv_x", "client_secret": "s", "webhook_url": "ftp://x"},
        ),
        ("/_sandbox/clients", {"client_id": "isv_x", "client_secret": "s", "hourly_limit": -5}),
        ("/_sandbox/tenants", {"tenant_id": "t", "company_id": "one"}),
        ("/_sandbox/tenants", {"tenant_id": "t", "company_id": 1, "client_ids": ["isv_ghost"]}),
        ("/_sandbox/tenants", {"tenant_id": "t", "company_id": 1, "scenario": "haunted"}),
        ("/_sandbox/tenants", {"tenant_id": "t", "company_id": 1, "favourite": "colour"}),
        ("/_sandbox/clock", {"advance_seconds": -10}),
        ("/_sandbox/clock", {"advance_seconds": "soon"}),
        ("/_sandbox/usage", {"tenant_id": HEALTHY["tenant_id"], "client_id": "isv_demo_test"}),
    ],
)
def test_control_api_refuses_bad_input_and_changes_nothing(sandbox, path, body):
    before = (
        sandbox.control("GET", "/_sandbox/clients"),
        sandbox.control("GET", "/_sandbox/tenants"),
        sandbox.control("GET", "/_sandbox/clock")["offset_seconds"],
    )
    response = httpx.post(f"{sandbox.url}{path}", json=body)
    after = (
        sandbox.control("GET", "/_sandbox/clients"),
        sandbox.control("GET", "/_sandbox/tenants"),
        sandbox.control("GET", "/_sandbox/clock")["offset_seconds"],
    )

    assert response.status_code == 400
    assert response.json()["error"]
    assert before == after


def test_control_api_wants_json(sandbox):
    response = httpx.post(f"{sandbox.url}/_sandbox/clock", content=b"advance=10")

    assert response.status_code == 415
    assert sandbox.control("GET", "/_sandbox/clock")["offset_seconds"] == 0
