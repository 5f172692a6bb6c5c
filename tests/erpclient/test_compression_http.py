"""Compressed responses over real HTTP (a small local server; the sandbox does not compress)."""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time

import brotli
import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from erpclient import ErpClient

INVOICES = [
    {"referenceNumber": f"{n:06d}", "documentType": "Invoice", "description": "Office chairs " * 5}
    for n in range(200)
]
ENCODERS = {"br": brotli.compress, "gzip": gzip.compress}


class CompressingErp:
    """Token endpoint plus one list endpoint that answers in the encoding the test picks."""

    def __init__(self) -> None:
        self.encoding = "br"
        self.seen_accept_encoding: list[str] = []
        self.app = Starlette(
            routes=[
                Route("/connect/token", self.token, methods=["POST"]),
                Route("/v1/supplierInvoice", self.invoices),
            ]
        )

    async def token(self, request: Request) -> Response:
        return JSONResponse({"access_token": "t", "expires_in": 3600, "token_type": "Bearer"})

    async def invoices(self, request: Request) -> Response:
        self.seen_accept_encoding.append(request.headers.get("accept-encoding", ""))
        body = ENCODERS[self.encoding](json.dumps(INVOICES).encode())
        return Response(
            body,
            media_type="application/json",
            headers={"Content-Encoding": self.encoding, "X-RateLimit-Remaining": "9"},
        )


@pytest.fixture(scope="module")
def compressing_erp():
    erp = CompressingErp()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(erp.app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(500):
        try:
            httpx.post(f"{url}/connect/token")
            break
        except httpx.TransportError:
            time.sleep(0.01)
    yield erp, url
    server.should_exit = True
    thread.join(10)


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_compressed_list_is_decoded(compressing_erp, encoding):
    erp, url = compressing_erp
    erp.encoding = encoding
    with ErpClient.sandbox(url, client_id="c", client_secret="s", tenant_id="t") as client:
        page = client.supplier_invoices.page(page_size=500)
    assert len(page.items) == 200 and page.items[-1].number == "000199"
    assert erp.seen_accept_encoding[-1] == "br, gzip, deflate"
    assert page.ratelimit.remaining == 9
