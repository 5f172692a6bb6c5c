"""Throttling: hourly budget per client and company, rate-limit headers, the two repeat rules."""

from __future__ import annotations

import httpx

from .helpers import HEALTHY, PROD_CLIENT, TEST_CLIENT, erp, tenant_for

RATE_HEADERS = (
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "X-RateLimit-Policy",
)


def test_every_response_carries_the_rate_limit_headers_and_a_request_id(sandbox):
    with erp(sandbox) as client:
        responses = [
            client.get("/resources/v1/context"),
            client.get("/v1/supplierInvoice/Invoice/999999"),  # 404
            client.get("/v1/supplierInvoice", params={"status": "Paid"}),  # 400
            client.get("/api/v3/SalesOrders"),
            client.post("/api/v3/SalesOrders", json={"type": "SO"}),  # 400
        ]

    for response in responses:
        for header in RATE_HEADERS:
            assert header in response.headers, (response.status_code, header)
        assert response.headers["X-RateLimit-Policy"] == "4-fixed-window"
        assert response.headers["X-Request-Id"]


def test_remaining_counts_down_per_client_and_company(sandbox):
    with erp(sandbox) as client:
        first = client.get("/resources/v1/context", params={"n": 1})
        second = client.get("/resources/v1/context", params={"n": 2})
    with erp(sandbox, client=PROD_CLIENT) as prod:
        other_client = prod.get("/resources/v1/context")

    assert first.headers["X-RateLimit-Limit"] == "500"
    assert int(first.headers["X-RateLimit-Remaining"]) - 1 == int(
        second.headers["X-RateLimit-Remaining"]
    )
    assert other_client.headers["X-RateLimit-Limit"] == "15000"
    assert other_client.headers["X-RateLimit-Remaining"] == "14999"


def test_salesorders_calls_spend_the_same_company_budget(sandbox):
    with erp(sandbox) as client:
        financials = client.get("/resources/v1/context")
        orders = client.get("/api/v3/SalesOrders")

    assert (
        int(orders.headers["X-RateLimit-Remaining"])
        == int(financials.headers["X-RateLimit-Remaining"]) - 1
    )


def test_429_with_retry_after_when_the_hour_is_spent_and_reset_when_it_rolls(sandbox):
    sandbox.control(
        "POST",
        "/_sandbox/usage",
        {"tenant_id": HEALTHY["tenant_id"], "client_id": TEST_CLIENT["client_id"], "used": 499},
    )
    with erp(sandbox) as client:
        last = client.get("/resources/v1/context", params={"n": 1})
        refused = client.get("/resources/v1/context", params={"n": 2})
        reset = int(refused.headers["X-RateLimit-Reset"])
        sandbox.control("POST", "/_sandbox/clock", {"advance_seconds": reset})
        after = client.get("/resources/v1/context", params={"n": 3})

    assert last.status_code == 200
    assert last.headers["X-RateLimit-Remaining"] == "0"
    assert refused.status_code == 429
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert int(refused.headers["Retry-After"]) == reset
    assert 0 < reset <= 3600
    assert after.status_code == 200
    assert after.headers["X-RateLimit-Remaining"] == "499"


def test_near_limit_tenant_has_most_of_the_hour_spent(sandbox):
    with erp(sandbox, tenant_id=tenant_for("near_limit")["tenant_id"]) as client:
        response = client.get("/v1/supplierInvoice", params={"pageSize": 1})

    assert response.status_code == 200
    assert int(response.headers["X-RateLimit-Remaining"]) < 25


def test_sixth_identical_request_within_a_minute_is_refused(sandbox):
    with erp(sandbox) as client:
        statuses = [client.get("/v1/supplierInvoice/Invoice/100001").status_code for _ in range(6)]
        different = client.get("/v1/supplierInvoice/Invoice/100002")
        refused = client.get("/v1/supplierInvoice/Invoice/100001")
        sandbox.control(
            "POST", "/_sandbox/clock", {"advance_seconds": int(refused.headers["Retry-After"])}
        )
        later = client.get("/v1/supplierInvoice/Invoice/100001")

    assert statuses == [200] * 5 + [429]
    assert refused.json()["ExceptionMessage"] == "Same request made too many times"
    assert refused.headers["X-RateLimit-Policy"] == "SameRequestLimit"
    assert different.status_code == 200
    assert later.status_code == 200


def test_third_identical_failed_request_within_five_minutes_is_refused(sandbox):
    with erp(sandbox) as client:
        statuses = [client.get("/v1/supplierInvoice/Invoice/999999").status_code for _ in range(3)]
        refused = client.get("/v1/supplierInvoice/Invoice/999999")
        sandbox.control("POST", "/_sandbox/clock", {"advance_seconds": 301})
        later = client.get("/v1/supplierInvoice/Invoice/999999")

    assert statuses == [404, 404, 429]
    assert refused.json()["ExceptionMessage"] == "The Same request failed already"
    assert refused.headers["X-RateLimit-Policy"] == "ClientErrorLimit"
    assert later.status_code == 404


def test_refused_requests_do_not_spend_the_budget(sandbox):
    with erp(sandbox) as client:
        for _ in range(6):
            last = client.get("/resources/v1/context")
        after = client.get("/resources/v1/context", params={"other": 1})

    assert last.status_code == 429
    assert after.headers["X-RateLimit-Remaining"] == str(500 - 6)


def test_a_client_with_its_own_limit(sandbox):
    sandbox.control(
        "POST",
        "/_sandbox/clients",
        {
            "client_id": "isv_tiny",
            "client_secret": "tiny-secret",
            "type": "test",
            "hourly_limit": 2,
        },
    )
    sandbox.control(
        "POST",
        "/_sandbox/tenants",
        {
            "tenant_id": "11111111-2222-4333-8444-555555555555",
            "company_id": 9900001,
            "name": "Tiny Test AS",
            "client_ids": ["isv_tiny"],
        },
    )
    with erp(
        sandbox,
        client={"client_id": "isv_tiny", "client_secret": "tiny-secret"},
        tenant_id="11111111-2222-4333-8444-555555555555",
    ) as client:
        statuses = [
            client.get("/resources/v1/context", params={"n": n}).status_code for n in range(3)
        ]

    assert statuses == [200, 200, 429]


def test_usage_rejects_bad_input_and_changes_nothing(sandbox):
    response = httpx.post(
        f"{sandbox.url}/_sandbox/usage",
        json={"tenant_id": HEALTHY["tenant_id"], "client_id": TEST_CLIENT["client_id"], "used": -1},
    )
    with erp(sandbox) as client:
        after = client.get("/resources/v1/context")

    assert response.status_code == 400
    assert "used" in response.json()["error"]
    assert after.headers["X-RateLimit-Remaining"] == "499"


def test_refusals_before_the_count_show_the_budget_without_spending_it(sandbox):
    with erp(sandbox) as client:
        client.get("/resources/v1/context")
        sandbox.control("POST", "/_sandbox/clock", {"advance_seconds": 3600})
        expired = client.get("/resources/v1/context")
    with erp(sandbox) as fresh:
        counted = fresh.get("/resources/v1/context")

    assert expired.status_code == 401
    assert expired.headers["X-RateLimit-Remaining"] == "500"
    assert counted.headers["X-RateLimit-Remaining"] == "499"


def test_customer_tenant_scenario_401_shows_the_company_budget(sandbox):
    with erp(sandbox, tenant_id=tenant_for("customer_tenant")["tenant_id"]) as client:
        response = client.get("/resources/v1/context")

    assert response.status_code == 401
    assert response.headers["X-RateLimit-Remaining"] == "500"


def test_garbage_token_has_no_budget_to_show(sandbox):
    response = httpx.get(
        f"{sandbox.url}/resources/v1/context", headers={"Authorization": "Bearer x.y.z"}
    )

    assert response.status_code == 401
    assert "X-RateLimit-Limit" not in response.headers
