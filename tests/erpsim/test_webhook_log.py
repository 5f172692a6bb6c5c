"""The webhook log across a reset: an attempt in flight when the sandbox is reset (the background
runner drains the queue on its own) finishes in the new world and must not show up in its log.
One layer, so the receiver is an httpx mock transport that holds the POST until the test lets go."""

from __future__ import annotations

import asyncio

import httpx

from erpsim.config import SandboxOptions
from erpsim.state import Sandbox
from erpsim.webhooks import Delivery, encode


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
