"""The /_sandbox control API: registration, request log with masked secrets, reset, determinism."""

from __future__ import annotations

import subprocess
import sys

import httpx

from erpsim.testing import SandboxServer
from erpsim.world import DEMO_CLIENTS, DEMO_TENANTS, SCENARIOS

from .helpers import HEALTHY, TEST_CLIENT, erp, token


def test_demo_world_has_two_clients_and_one_tenant_per_scenario(sandbox):
    clients = sandbox.control("GET", "/_sandbox/clients")
    tenants = sandbox.control("GET", "/_sandbox/tenants")

    assert {c["client_id"]: c["type"] for c in clients} == {
        "isv_demo_test": "test",
        "isv_demo_prod": "production",
    }
    assert all(c["client_secret"] == "***" for c in clients)
    assert set(SCENARIOS) == {t["scenario"] for t in tenants}
    assert len(DEMO_TENANTS) == len(tenants)
    assert {t["tenant_id"] for t in DEMO_TENANTS} == {t["tenant_id"] for t in tenants}


def test_registered_client_and_tenant_can_call_the_erp(sandbox):
    sandbox.control(
        "POST",
        "/_sandbox/clients",
        {"client_id": "isv_new", "client_secret": "new-secret", "type": "production"},
    )
    sandbox.control(
        "POST",
        "/_sandbox/tenants",
        {
            "tenant_id": "abcdef01-2345-4678-89ab-cdef01234567",
            "company_id": 5550001,
            "name": "Ny Bedrift AS",
            "client_ids": ["isv_new"],
            "with_demo_documents": True,
        },
    )
    with erp(
        sandbox,
        client={"client_id": "isv_new", "client_secret": "new-secret"},
        tenant_id="abcdef01-2345-4678-89ab-cdef01234567",
    ) as client:
        context = client.get("/resources/v1/context")
        invoices = client.get("/v1/supplierInvoice", params={"pageSize": 1})

    assert context.json() == [{"id": 5550001, "name": "Ny Bedrift AS", "type": "Company"}]
    assert context.headers["X-RateLimit-Limit"] == "15000"
    assert invoices.json()[0]["metadata"]["totalCount"] == 208


def test_request_log_records_headers_with_secrets_masked(sandbox):
    access_token = token(sandbox)
    httpx.get(
        f"{sandbox.url}/resources/v1/context",
        headers={"Authorization": f"Bearer {access_token}", "User-Agent": "my-isv-app/1.0"},
    )

    entries = sandbox.control("GET", "/_sandbox/requests")
    token_call, erp_call = entries[-2], entries[-1]
    assert token_call["path"] == "/connect/token"
    assert TEST_CLIENT["client_secret"] not in token_call["body"]
    assert "client_secret=***" in token_call["body"]
    assert erp_call["headers"]["authorization"] == "Bearer ***"
    assert erp_call["headers"]["user-agent"] == "my-isv-app/1.0"
    assert erp_call["status"] == 200
    assert erp_call["client_id"] == TEST_CLIENT["client_id"]
    assert erp_call["company_id"] == HEALTHY["company_id"]
    assert access_token not in str(entries)


def test_reset_brings_back_the_seeded_world(sandbox):
    with erp(sandbox) as client:
        number = client.get("/v1/supplierInvoice", params={"status": "Balanced"}).json()[0][
            "referenceNumber"
        ]
        path = f"/v1/supplierInvoice/{number}"
        client.put(path, json={"note": {"value": "changed"}})
        before_reset = client.get(path).json()["note"]
    sandbox.control("POST", "/_sandbox/clock", {"advance_seconds": 100})
    sandbox.reset()
    with erp(sandbox) as client:
        after_reset = client.get(path).json()["note"]

    assert before_reset == "changed"
    assert after_reset == ""
    assert sandbox.control("GET", "/_sandbox/clock")["offset_seconds"] == 0
    assert len(sandbox.control("GET", "/_sandbox/requests")) == 2  # the new token and the GET


def _snapshot(server):
    """Documents as text, with the server's own origin taken out of the links."""
    with erp(server) as client:
        invoices = client.get("/v1/supplierInvoice", params={"pageSize": 20}).text
        orders = client.get("/api/v3/SalesOrders", params={"pageSize": 5}).text
    return invoices, orders.replace(server.url, "")


def test_the_same_seed_gives_the_same_world_and_another_seed_another(sandbox):
    with SandboxServer(world="demo", seed=1) as same, SandboxServer(world="demo", seed=2) as other:
        assert _snapshot(same) == _snapshot(sandbox)
        assert _snapshot(other)[0] != _snapshot(sandbox)[0]


def test_empty_world_has_no_clients():
    with SandboxServer(world="empty") as server:
        assert server.control("GET", "/_sandbox/clients") == []
        response = httpx.post(
            f"{server.url}/connect/token",
            data={
                "grant_type": "client_credentials",
                "client_id": DEMO_CLIENTS[0]["client_id"],
                "client_secret": DEMO_CLIENTS[0]["client_secret"],
            },
        )
        assert response.json()["error"] == "invalid_client"


def test_command_line_start_prints_the_url_and_serves(tmp_path):
    with SandboxServer(world="empty") as probe:  # borrow a free port number
        port = probe.port
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "erpsim",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--world",
            "demo",
            "--seed",
            "3",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        health = httpx.get(f"http://127.0.0.1:{port}/_sandbox/health").json()
    finally:
        process.terminate()
        process.wait(timeout=10)

    assert line.strip() == f"erpsim ready on http://127.0.0.1:{port}"
    assert health == {"status": "ok", "world": "demo", "seed": 3}
