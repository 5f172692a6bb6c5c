"""The budget guard's limiter: asked before every ERP request whether it may go.

The client defines the protocol; the portal plugs in a shared limiter (Redis or the database).
The in-memory default here learns the ERP's remaining budget from the call records it is told
about and keeps a reserve of each company's hourly budget for people at the console.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol, runtime_checkable

from ._plugins import as_async
from .priority import Priority
from .recording import CallRecord

# A 429 from these rules describes one repeated request, not the company's hourly budget.
PER_REQUEST_POLICIES = frozenset({"SameRequestLimit", "ClientErrorLimit"})


@dataclass(frozen=True, slots=True)
class LimitRequest:
    """What the limiter gets to decide on. Never a secret, a token or a body."""

    client_id: str
    tenant_id: str
    company_id: str | None
    priority: Priority
    method: str
    path_template: str


class LimitAction(Enum):
    GO = "go"
    WAIT = "wait"
    REFUSE = "refuse"


@dataclass(frozen=True, slots=True)
class LimitDecision:
    """The limiter's answer: go now, wait ``wait_seconds``, or refuse with a reason."""

    action: LimitAction
    wait_seconds: float = 0.0
    reason: str = ""

    @classmethod
    def go(cls) -> LimitDecision:
        return _GO

    @classmethod
    def wait(cls, seconds: float, reason: str) -> LimitDecision:
        if seconds < 0:
            raise ValueError(f"wait seconds must not be negative, got {seconds!r}")
        return cls(LimitAction.WAIT, float(seconds), reason)

    @classmethod
    def refuse(cls, reason: str) -> LimitDecision:
        return cls(LimitAction.REFUSE, 0.0, reason)


_GO = LimitDecision(LimitAction.GO)


@runtime_checkable
class Limiter(Protocol):
    def acquire(self, request: LimitRequest) -> LimitDecision: ...


@runtime_checkable
class AsyncLimiter(Protocol):
    async def acquire(self, request: LimitRequest) -> LimitDecision: ...


class AllowAll:
    """A limiter that lets everything through (for scripts that manage budget themselves)."""

    def acquire(self, request: LimitRequest) -> LimitDecision:
        return _GO


@dataclass(slots=True)
class _Budget:
    limit: int | None
    remaining: int | None
    resets_at: float | None  # monotonic seconds


class InMemoryLimiter:
    """Holds calls back from what the ERP last said about a company's hourly budget.

    It is also a recorder: the client tells it every call record, and it keeps the last
    ``X-RateLimit-*`` figures per (client id, company). Then:

    - when the ERP said nothing is left, every call waits until the window resets;
    - a background call waits while fewer than ``background_reserve`` (a share of the limit) remain,
      so periodic jobs never starve a person at the console.

    One process only; the portal supplies a shared limiter for many workers.
    """

    def __init__(
        self, *, background_reserve: float = 0.1, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if not 0.0 <= background_reserve < 1.0:
            raise ValueError("background_reserve is a share of the limit, from 0 up to (not) 1")
        self._reserve = background_reserve
        self._clock = clock
        self._budgets: dict[tuple[str, str], _Budget] = {}
        self._lock = threading.Lock()

    def acquire(self, request: LimitRequest) -> LimitDecision:
        # One Visma Connect tenant is one company; the tenant id is known before the company is.
        budget = self._budgets.get((request.client_id, request.tenant_id))
        if budget is None or budget.remaining is None:
            return _GO
        now = self._clock()
        wait = max((budget.resets_at or now) - now, 0.0)
        if wait <= 0.0:
            return _GO
        if budget.remaining <= 0:
            return LimitDecision.wait(wait, "the ERP reported no calls left this hour")
        reserve = (budget.limit or 0) * self._reserve
        if request.priority is Priority.BACKGROUND and budget.remaining < reserve:
            return LimitDecision.wait(
                wait, f"{budget.remaining} of {budget.limit} calls left; kept for interactive use"
            )
        return _GO

    def record(self, call: CallRecord) -> None:
        info = call.ratelimit
        if info is None or info.remaining is None or info.policy in PER_REQUEST_POLICIES:
            return
        resets_at = self._clock() + info.reset_seconds if info.reset_seconds is not None else None
        with self._lock:
            self._budgets[(call.client_id, call.tenant_id)] = _Budget(
                info.limit, info.remaining, resets_at
            )


class AsyncLimiterAdapter:
    """Use a sync limiter from ``AsyncErpClient``.

    A fast in-memory limiter is called directly; a limiter doing network I/O (Redis, a database)
    should be wrapped with ``in_thread=True`` so it does not block the event loop.
    """

    def __init__(self, limiter: Limiter, *, in_thread: bool = False) -> None:
        self.wrapped = limiter
        self._in_thread = in_thread

    async def acquire(self, request: LimitRequest) -> LimitDecision:
        if self._in_thread:
            return await asyncio.to_thread(self.wrapped.acquire, request)
        return self.wrapped.acquire(request)

    async def record(self, call: CallRecord) -> None:
        # Lets a wrapped limiter that learns from call records (like InMemoryLimiter) keep learning.
        record = getattr(self.wrapped, "record", None)
        if record is None:
            return
        if self._in_thread:
            await asyncio.to_thread(record, call)
        else:
            record(call)


def as_limiter(limiter: Limiter | None) -> Limiter:
    """What ``ErpClient`` asks: the given limiter, else a fresh ``InMemoryLimiter``."""
    return limiter if limiter is not None else InMemoryLimiter()


def as_async_limiter(limiter: Limiter | AsyncLimiter | None) -> AsyncLimiter:
    """What ``AsyncErpClient`` awaits: an async limiter as given, a sync one wrapped inline."""
    return as_async(limiter, "acquire", AsyncLimiterAdapter, InMemoryLimiter)


def learning_sink(limiter: object, recorder: object) -> Callable[[CallRecord], Any] | None:
    """The limiter's own ``record``, if it has one: a limiter that learns from call records (like
    ``InMemoryLimiter``) is told about every call. Not when the limiter *is* the recorder, which
    would hear each call twice."""
    if getattr(limiter, "wrapped", limiter) is getattr(recorder, "wrapped", recorder):
        return None
    record = getattr(limiter, "record", None)
    return record if callable(record) else None


def async_learning_sink(
    limiter: object, recorder: object
) -> Callable[[CallRecord], Awaitable[None]] | None:
    """As ``learning_sink``, always awaitable (an async limiter may learn in a plain method)."""
    record = learning_sink(limiter, recorder)
    if record is None or inspect.iscoroutinefunction(record):
        return record

    async def call(call: CallRecord) -> None:
        record(call)

    return call
