"""Small helpers for talking to the sandbox over real HTTP in tests."""

from __future__ import annotations

from typing import Any

import httpx

from erpsim.world import ALL_SCOPES, DEMO_CLIENTS, DEMO_TENANTS

TEST_CLIENT = DEMO_CLIENTS[0]
PROD_CLIENT = DEMO_CLIENTS[1]


def tenant_for(scenario: str, index: int = 0) -> dict[str, Any]:
    return [t for t in DEMO_TENANTS if t["scenario"] == scenario][index]


HEALTHY = tenant_for("healthy")


def token_response(
    server: Any,
    *,
    client: dict[str, Any] = TEST_CLIENT,
    tenant_id: str | None = HEALTHY["tenant_id"],
    scope: str | None = " ".join(ALL_SCOPES),
    secret: str | None = None,
) -> httpx.Response:
    data = {
        "grant_type": "client_credentials",
        "client_id": client["client_id"],
        "client_secret": secret if secret is not None else client["client_secret"],
    }
    if scope is not None:
        data["scope"] = scope
    if tenant_id is not None:
        data["tenant_id"] = tenant_id
    return httpx.post(f"{server.url}/connect/token", data=data)


def token(server: Any, **kwargs: Any) -> str:
    response = token_response(server, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def all_invoices(client: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    """Every supplier invoice matching ``params``, page by page."""
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        batch = client.get(
            "/v1/supplierInvoice", params={**params, "pageSize": 100, "pageNumber": page}
        ).json()
        found += batch
        if len(batch) < 100:
            return found
        page += 1


def erp(server: Any, **kwargs: Any) -> httpx.Client:
    """An httpx client for the ERP APIs with a fresh bearer token."""
    return httpx.Client(
        base_url=server.url,
        headers={"Authorization": f"Bearer {token(server, **kwargs)}"},
        timeout=30.0,
    )


class WebhookReceiver:
    """A real HTTP listener on a free port that records every POST it gets."""

    def __init__(self, status: int = 200) -> None:
        import http.server
        import threading

        received: list[dict[str, Any]] = []
        answer = status
        arrived = threading.Event()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                received.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": self.rfile.read(length),
                    }
                )
                self.send_response(answer)
                self.send_header("Content-Length", "0")
                self.end_headers()
                arrived.set()

            def log_message(self, *args: Any) -> None:
                pass

        self.received = received
        self.arrived = arrived
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/hooks/erp"

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
