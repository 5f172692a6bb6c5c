"""The sandbox answers only to loopback host names, and its control API takes only JSON writes.

A page in a developer's browser can post a form to 127.0.0.1 (text/plain needs no CORS preflight)
or rebind its own name to 127.0.0.1; neither may steer or reset the sandbox.
"""

from __future__ import annotations

import re

import httpx
import pytest

from erpsim.call import CONTROL
from erpsim.loopback import check_notification_url, host_allowed
from erpsim.routes import build_router
from erpsim.testing import SandboxServer

from .helpers import HEALTHY, erp, token

ROUTES = build_router().routes()


def _concrete(template: str) -> str:
    """A real path for a route template (every parameter filled with something plausible)."""
    values = {"tenant_id": HEALTHY["tenant_id"], "documentType": "Invoice", "type": "SO"}
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "100001"), template)


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.template}" for r in ROUTES])
def test_every_route_refuses_a_host_that_is_not_loopback(sandbox, route):
    response = httpx.request(
        route.method,
        f"{sandbox.url}{_concrete(route.template)}",
        headers={"Host": "rebind.attacker.example", "Content-Type": "application/json"},
        content=b"{}",
    )

    assert response.status_code == 421
    assert "loopback" in response.text


def test_a_refused_host_changes_nothing(sandbox):
    sandbox.control("POST", "/_sandbox/clock", {"advance_seconds": 60})
    refused = httpx.post(
        f"{sandbox.url}/_sandbox/reset",
        headers={"Host": "127.0.0.1.nip.example:8765", "Content-Type": "application/json"},
        content=b"{}",
    )
    unknown_path = httpx.get(f"{sandbox.url}/nowhere", headers={"Host": "evil.example"})

    assert (refused.status_code, unknown_path.status_code) == (421, 421)
    assert sandbox.control("GET", "/_sandbox/clock")["offset_seconds"] == 60


@pytest.mark.parametrize(
    "host",
    ["localhost", "localhost:8765", "127.0.0.1", "127.0.0.2:80", "[::1]:8765", "app.localhost"],
)
def test_loopback_names_are_answered(sandbox, host):
    response = httpx.get(f"{sandbox.url}/_sandbox/health", headers={"Host": host})

    assert response.status_code == 200


def test_the_erp_apis_also_refuse_a_foreign_host(sandbox):
    bearer = {"Authorization": f"Bearer {token(sandbox)}", "Host": "erp.attacker.example"}
    financials = httpx.get(f"{sandbox.url}/v1/supplierInvoice/100001", headers=bearer)
    salesorders = httpx.get(f"{sandbox.url}/api/v3/SalesOrders", headers=bearer)

    assert financials.status_code == salesorders.status_code == 421
    assert "Message" in financials.json()
    assert salesorders.json()["status"] == 421


def test_an_allowed_host_option_adds_a_name():
    with SandboxServer(world="empty", allowed_hosts=("erpsim.internal",)) as server:
        named = httpx.get(f"{server.url}/_sandbox/health", headers={"Host": "erpsim.internal:80"})
        other = httpx.get(f"{server.url}/_sandbox/health", headers={"Host": "other.internal"})

    assert (named.status_code, other.status_code) == (200, 421)


CONTROL_WRITES = [r for r in ROUTES if r.api == CONTROL and r.method != "GET"]


@pytest.mark.parametrize("route", CONTROL_WRITES, ids=[r.template for r in CONTROL_WRITES])
@pytest.mark.parametrize(
    "headers",
    [{"Content-Type": "text/plain"}, {"Content-Type": "application/x-www-form-urlencoded"}, {}],
    ids=["text-plain", "form", "no-content-type"],
)
def test_every_control_write_wants_json(sandbox, route, headers):
    response = httpx.request(
        route.method, f"{sandbox.url}{_concrete(route.template)}", headers=headers, content=b""
    )

    assert response.status_code == 415
    assert "application/json" in response.json()["error"]


def test_a_text_plain_reset_resets_nothing(sandbox):
    with erp(sandbox) as client:
        number = client.get("/v1/supplierInvoice", params={"status": "Balanced"}).json()[0][
            "referenceNumber"
        ]
        client.put(f"/v1/supplierInvoice/{number}", json={"note": {"value": "kept"}})
    sandbox.control("POST", "/_sandbox/clock", {"advance_seconds": 30})

    refused = httpx.post(
        f"{sandbox.url}/_sandbox/reset", content=b"{}", headers={"Content-Type": "text/plain"}
    )
    with erp(sandbox) as client:
        note = client.get(f"/v1/supplierInvoice/{number}").json()["note"]

    assert refused.status_code == 415
    assert note == "kept"
    assert sandbox.control("GET", "/_sandbox/clock")["offset_seconds"] == 30


def test_a_json_reset_with_an_empty_object_works(sandbox):
    sandbox.control("POST", "/_sandbox/clock", {"advance_seconds": 30})
    response = httpx.post(f"{sandbox.url}/_sandbox/reset", json={})

    assert response.status_code == 200
    assert sandbox.control("GET", "/_sandbox/clock")["offset_seconds"] == 0


@pytest.mark.parametrize(
    ("header", "allowed"),
    [
        ("localhost", True),
        ("LOCALHOST:1", True),
        ("127.255.0.1", True),
        ("[::1]", True),
        ("::1", True),
        ("shop.localhost", True),
        ("localhost.attacker.example", False),
        ("127.0.0.1.attacker.example", False),
        ("10.0.0.5", False),
        ("[::ffff:10.0.0.5]:80", False),
        ("", False),
    ],
)
def test_host_names_that_count_as_loopback(header, allowed):
    assert host_allowed(header, frozenset()) is allowed


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("http://127.0.0.1:8000/hooks/erp", True),
        ("http://localhost/hooks", True),
        ("https://portal.example.com/hooks", True),
        ("http://portal.example.com/hooks", False),
        ("ftp://127.0.0.1/x", False),
        ("http:///no-host", False),
    ],
)
def test_notification_urls_use_http_only_on_loopback(url, ok):
    if ok:
        assert check_notification_url(url) == url
    else:
        with pytest.raises(ValueError):
            check_notification_url(url)


def test_plain_http_notifications_to_other_hosts_are_refused_when_registered(sandbox):
    client = httpx.post(
        f"{sandbox.url}/_sandbox/clients",
        json={"client_id": "isv_x", "client_secret": "s", "webhook_url": "http://hooks.example/"},
    )
    with erp(sandbox) as erp_client:
        background = erp_client.get(
            "/resources/v1/context", headers={"erp-api-background": "http://hooks.example/bg"}
        )

    assert client.status_code == 400 and "loopback" in client.json()["error"]
    assert background.status_code == 400
    assert "loopback" in background.json()["ExceptionMessage"]
    assert sandbox.control("GET", "/_sandbox/background") == []
    assert "isv_x" not in {c["client_id"] for c in sandbox.control("GET", "/_sandbox/clients")}
