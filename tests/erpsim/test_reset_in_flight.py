"""The sandbox across a reset: work already under way when a test resets it (a notification on
its way, a background operation being run; the background runner does both on its own) ends in the
new world and must leave no trace there. One layer, so receivers are httpx mock transports."""

from __future__ import annotations

import asyncio

import httpx

from erpsim.app import SandboxApp
from erpsim.background import BackgroundOperation, parse_background_header
from erpsim.background_runner import BackgroundRunner
from erpsim.config import SandboxOptions
from erpsim.replies import Reply, json_reply
from erpsim.state import Sandbox
from erpsim.webhooks import Delivery, encode
from erpsim.world import ALL_SCOPES

from .helpers import HEALTHY, TEST_CLIENT


def a_delivery(url: str = "http://receiver.example/hook") -> Delivery:
    return Delivery(url, encode({"eventId": "CUSTOMER_CHANGED"}), {}, {"mode": "event"})


def held_receiver(arrived: asyncio.Event, release: asyncio.Event) -> httpx.AsyncClient:
    async def answer(request: httpx.Request) -> httpx.Response:
        arrived.set()
        await release.wait()
        return httpx.Response(200)

    return httpx.AsyncClient(transport=httpx.MockTransport(answer))


def test_an_attempt_in_flight_across_a_reset_is_not_logged_after_it():
    sandbox = Sandbox(SandboxOptions(world="empty"))

    async def scenario() -> dict:
        arrived, release = asyncio.Event(), asyncio.Event()
        sandbox.dispatcher._client = held_receiver(arrived, release)
        sending = asyncio.create_task(sandbox.dispatcher.send(a_delivery()))
        await arrived.wait()
        sandbox.reset()
        release.set()
        return await sending

    entry = asyncio.run(scenario())

    assert entry["status"] == 200 and entry["delivery_id"] is None
    assert sandbox.webhooks.entries() == []


def test_an_attempt_that_begins_after_a_reset_is_logged():
    sandbox = Sandbox(SandboxOptions(world="empty"))
    sandbox.reset()

    async def scenario() -> dict:
        arrived, release = asyncio.Event(), asyncio.Event()
        release.set()
        sandbox.dispatcher._client = held_receiver(arrived, release)
        return await sandbox.dispatcher.send(a_delivery())

    entry = asyncio.run(scenario())

    [logged] = sandbox.webhooks.entries()
    assert logged["delivery_id"] == entry["delivery_id"] == 1 and logged["status"] == 200


def an_operation(sandbox: Sandbox, operation_id: str, url: str) -> BackgroundOperation:
    return BackgroundOperation(
        id=operation_id,
        company_id=1,
        client_id="client",
        tenant_id="tenant",
        method="POST",
        path="/v1/supplierInvoice/Invoice/1/action/release",
        query_string="",
        headers={},
        body=b"",
        notification=parse_background_header(url),
        original_uri="/v1/supplierInvoice/Invoice/1/action/release",
        base_url="http://erp.example",
        received=sandbox.clock.now(),
        due=sandbox.clock.now(),
    )


def test_a_reset_while_a_background_operation_runs_stops_the_rest_and_their_callbacks():
    sandbox = Sandbox(SandboxOptions(world="empty"))
    for name in ("first", "second"):
        sandbox.background.add(an_operation(sandbox, name, "https://receiver.example/done"))
    ran: list[str] = []
    posted: list[httpx.Request] = []

    async def replay(call) -> Reply:
        ran.append(call.path)
        sandbox.reset()  # a test resets the sandbox while the first operation runs
        return json_reply(200, {})

    async def receive(request: httpx.Request) -> httpx.Response:
        posted.append(request)
        return httpx.Response(200)

    sandbox.dispatcher._client = httpx.AsyncClient(transport=httpx.MockTransport(receive))
    asyncio.run(BackgroundRunner(sandbox, replay).run_due())

    assert len(ran) == 1 and posted == [] and sandbox.webhooks.entries() == []


# -- a request that arrived before a reset -----------------------------------------------------


def a_token(app: SandboxApp) -> str:
    async def ask() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            return await http.post(
                "/connect/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": TEST_CLIENT["client_id"],
                    "client_secret": TEST_CLIENT["client_secret"],
                    "tenant_id": HEALTHY["tenant_id"],
                    "scope": " ".join(ALL_SCOPES),
                },
            )

    return asyncio.run(ask()).json()["access_token"]


def a_request_that_straddles(app: SandboxApp, token: str, *, reset: bool) -> int:
    """GET the company context; the sandbox is reset (or not) after the request arrived and
    before its body was read. Returns the answer's status."""
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/resources/v1/context",
        "query_string": b"",
        "scheme": "http",
        "server": ("127.0.0.1", 80),
        "headers": [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {token}".encode())],
    }
    sent: list[dict] = []

    async def receive() -> dict:
        if reset:
            app.sandbox.reset()
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent[0]["status"]


def test_a_request_answered_after_a_reset_leaves_no_trace_in_the_new_world():
    app = SandboxApp(SandboxOptions(failed_request_limit=1))
    token = a_token(app)

    status = a_request_that_straddles(app, token, reset=True)

    assert status >= 400  # it did not run in the new world
    assert app.sandbox.requests.entries() == []
    # Nor does its failure count against the same request in the new world.
    assert a_request_that_straddles(app, a_token(app), reset=False) == 200


def test_a_request_in_one_world_is_logged():
    app = SandboxApp()

    status = a_request_that_straddles(app, a_token(app), reset=False)

    [entry] = [e for e in app.sandbox.requests.entries() if e["path"] == "/resources/v1/context"]
    assert status == entry["status"] == 200
