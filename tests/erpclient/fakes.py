"""Transport-level fakes for the erpclient unit tests (one layer only; integration tests use the
sandbox over real HTTP)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from erpclient import AsyncErpClient, ErpClient, InMemoryRecorder, InMemoryRepeatGuard

TOKEN_JSON = {"access_token": "tok-1", "expires_in": 3600, "token_type": "Bearer"}
RATE_HEADERS = {
    "X-RateLimit-Limit": "500",
    "X-RateLimit-Remaining": "321",
    "X-RateLimit-Reset": "1200",
    "X-RateLimit-Policy": "4-fixed-window",
}

Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


@dataclass
class FakeErp:
    """Answers the token endpoint itself and everything else from per-path queues of replies.

    A queue's last reply repeats, so ``on("/x", ok)`` answers every call to ``/x``.
    """

    routes: dict[str, list[Reply]] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    token_requests: list[httpx.Request] = field(default_factory=list)
    token_reply: Reply | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def on(self, path: str, *replies: Reply) -> FakeErp:
        self.routes[path] = list(replies)
        return self

    def _next(self, queue: list[Reply]) -> Reply:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        if request.url.path == "/connect/token":
            with self.lock:
                self.token_requests.append(request)
            reply: Reply = self.token_reply or httpx.Response(200, json=TOKEN_JSON)
        else:
            with self.lock:
                self.requests.append(request)
                # Routes name the path as sent (escaped), so escaping can be checked too.
                queue = self.routes.get(request.url.raw_path.split(b"?")[0].decode())
                if queue is None:
                    return httpx.Response(404, json={"title": "no fake route"})
                reply = self._next(queue)
        if isinstance(reply, Exception):
            raise reply
        if callable(reply) and not isinstance(reply, httpx.Response):
            return reply(request)
        return reply

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        return self(request)

    def paths(self) -> list[str]:
        return [request.url.path for request in self.requests]


class FakeClock:
    """A monotonic clock that moves only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


def ok_json(data: Any, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=data, headers={**RATE_HEADERS, **headers})


def error_json(status: int, data: Any, **headers: str) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(data).encode(),
        headers={
            "Content-Type": "application/json",
            **RATE_HEADERS,
            **headers,
        },
    )


def make_client(fake: FakeErp, clock: FakeClock | None = None, **kwargs: Any) -> ErpClient:
    clock = clock or FakeClock()
    kwargs.setdefault("recorder", InMemoryRecorder())
    kwargs.setdefault("repeat_guard", InMemoryRepeatGuard(clock))
    return ErpClient(
        client_id="isv_test",
        client_secret="very-secret-value",
        tenant_id="tenant-1",
        transport=httpx.MockTransport(fake),
        sleep=clock.sleep,
        **kwargs,
    )


def make_async_client(
    fake: FakeErp, clock: FakeClock | None = None, **kwargs: Any
) -> AsyncErpClient:
    clock = clock or FakeClock()
    kwargs.setdefault("recorder", InMemoryRecorder())
    kwargs.setdefault("repeat_guard", InMemoryRepeatGuard(clock))
    return AsyncErpClient(
        client_id="isv_test",
        client_secret="very-secret-value",
        tenant_id="tenant-1",
        transport=httpx.MockTransport(fake.handle_async),
        sleep=clock.async_sleep,
        **kwargs,
    )
