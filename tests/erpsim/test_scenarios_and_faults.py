"""Per-tenant scenarios and fault injection (latency, 5xx, connection resets, timeouts)."""

from __future__ import annotations

import re

import httpx
import pytest

from erpsim.scenarios import Scenario
from erpsim.world import DEMO_TENANTS

from .helpers import HEALTHY, erp, tenant_for

GUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def test_no_license_is_12027(sandbox):
    with erp(sandbox, tenant_id=tenant_for("no_license")["tenant_id"]) as client:
        response = client.get("/v1/supplierInvoice")
        orders = client.get("/api/v3/SalesOrders")

    assert response.status_code == 400
    body = response.json()
    assert body["ExceptionFaultCode"] == "12027"
    assert body["ExceptionMessage"] == "No license for this company."
    assert re.fullmatch(f"12027_{GUID}", body["ExceptionMessageID"])
    assert orders.status_code == 403


def test_company_context_is_12002(sandbox):
    with erp(sandbox, tenant_id=tenant_for("company_context")["tenant_id"]) as client:
        response = client.get("/resources/v1/context")

    assert response.status_code == 400
    assert response.json()["ExceptionFaultCode"] == "12002"
    assert re.fullmatch(f"12002_{GUID}", response.json()["ExceptionMessageID"])


def test_scenario_can_be_switched_at_runtime(sandbox):
    path = f"/_sandbox/tenants/{HEALTHY['tenant_id']}/scenario"
    with erp(sandbox) as client:
        sandbox.control("POST", path, {"scenario": "no_license"})
        broken = client.get("/resources/v1/context", params={"n": 1})
        sandbox.control("POST", path, {"scenario": "healthy"})
        mended = client.get("/resources/v1/context", params={"n": 2})

    assert broken.json()["ExceptionFaultCode"] == "12027"
    assert mended.status_code == 200


def test_switching_to_missing_api_user_role_refuses_new_tokens(sandbox):
    sandbox.control(
        "POST",
        f"/_sandbox/tenants/{HEALTHY['tenant_id']}/scenario",
        {"scenario": "missing_api_user_role"},
    )
    response = httpx.post(
        f"{sandbox.url}/connect/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "isv_demo_test",
            "client_secret": "sandbox-test-secret-3f9a1c",
            "tenant_id": HEALTHY["tenant_id"],
        },
    )

    assert response.json()["error"] == "invalid_tenant"


def test_unknown_scenario_is_refused(sandbox):
    response = httpx.post(
        f"{sandbox.url}/_sandbox/tenants/{HEALTHY['tenant_id']}/scenario",
        json={"scenario": "cursed"},
    )

    assert response.status_code == 400
    assert sandbox.control("GET", "/_sandbox/tenants")[0]["scenario"] == "healthy"
    # The refusal lists the names from the one enum, so it never drifts from what is accepted.
    assert all(scenario.value in response.json()["error"] for scenario in Scenario)


def test_every_scenario_of_the_enum_has_a_demo_tenant_and_can_be_set(sandbox):
    path = f"/_sandbox/tenants/{HEALTHY['tenant_id']}/scenario"
    demo = {tenant["scenario"] for tenant in DEMO_TENANTS}
    switched = [sandbox.control("POST", path, {"scenario": s.value})["scenario"] for s in Scenario]

    assert demo == set(Scenario)
    assert switched == [s.value for s in Scenario]


def test_slow_scenario_adds_latency(sandbox):
    slow = tenant_for("slow")
    with erp(sandbox, tenant_id=slow["tenant_id"]) as client:
        response = client.get("/resources/v1/context")

    entry = sandbox.control("GET", f"/_sandbox/requests?tenant_id={slow['tenant_id']}")[-1]
    assert response.status_code == 200
    assert entry["latency_ms"] == 1500


def test_global_latency_applies_to_every_tenant(sandbox):
    sandbox.control("POST", "/_sandbox/faults", {"latency_ms": 20})
    with erp(sandbox) as client:
        client.get("/resources/v1/context")
    sandbox.control("POST", "/_sandbox/faults", {})

    assert sandbox.control("GET", "/_sandbox/requests?limit=1")[0]["latency_ms"] == 20


def _outcomes(sandbox, tenant_id, calls):
    """What each call saw: a status code, "reset" or "timeout"."""
    seen = []
    with erp(sandbox, tenant_id=tenant_id) as client:
        client.timeout = httpx.Timeout(2.0)
        for n in range(calls):
            try:
                seen.append(client.get("/resources/v1/context", params={"n": n}).status_code)
            except httpx.TimeoutException:
                seen.append("timeout")
            except httpx.TransportError:
                seen.append("reset")
    return seen


def test_flaky_scenario_mixes_errors_and_resets(sandbox):
    seen = _outcomes(sandbox, tenant_for("flaky")["tenant_id"], 30)

    assert 200 in seen
    assert 500 in seen
    assert "reset" in seen
    faults = {e["fault"] for e in sandbox.control("GET", "/_sandbox/requests")}
    assert {"error", "reset"} <= faults


def test_faults_are_the_same_for_the_same_seed(sandbox):
    faults = {"tenant_id": HEALTHY["tenant_id"], "error_rate": 0.3, "reset_rate": 0.2}
    sandbox.control("POST", "/_sandbox/faults", faults)
    first = _outcomes(sandbox, HEALTHY["tenant_id"], 20)
    sandbox.reset()
    sandbox.control("POST", "/_sandbox/faults", faults)
    second = _outcomes(sandbox, HEALTHY["tenant_id"], 20)

    assert first == second
    assert {200, 500, "reset"} <= set(first)


def test_a_5xx_fault_has_the_api_error_shape_and_rate_limit_headers(sandbox):
    sandbox.control(
        "POST", "/_sandbox/faults", {"tenant_id": HEALTHY["tenant_id"], "error_rate": 1}
    )
    with erp(sandbox) as client:
        financials = client.get("/resources/v1/context")
        orders = client.get("/api/v3/SalesOrders")

    assert financials.status_code == 500
    assert financials.json()["ExceptionType"] == "IPPException"
    assert "X-RateLimit-Remaining" in financials.headers
    assert orders.status_code == 500
    assert orders.json()["status"] == 500


def test_timeout_fault_holds_the_request(sandbox):
    sandbox.control(
        "POST", "/_sandbox/faults", {"tenant_id": HEALTHY["tenant_id"], "timeout_rate": 1}
    )
    with erp(sandbox) as client, pytest.raises(httpx.ReadTimeout):
        client.get("/resources/v1/context", timeout=0.5)


@pytest.mark.parametrize(
    "faults",
    [
        {"error_rate": 1.5},
        {"latency_ms": -1},
        {"reset_rate": "high"},
        {"error_rate": 0.6, "reset_rate": 0.6},
        {"tenant_id": "00000000-0000-4000-8000-000000000000", "error_rate": 0.1},
        {"jitter": 3},
    ],
)
def test_bad_fault_settings_are_refused_and_change_nothing(sandbox, faults):
    response = httpx.post(f"{sandbox.url}/_sandbox/faults", json=faults)

    assert response.status_code in (400, 404)
    assert response.json()["error"]
    assert sandbox.control("GET", "/_sandbox/faults") == {
        "global": {"latency_ms": 0, "error_rate": 0.0, "reset_rate": 0.0, "timeout_rate": 0.0},
        "tenants": {},
    }
