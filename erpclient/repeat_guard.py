"""Remember identical requests, because the ERP punishes repeating them.

The ERP's documented policies (facts file, section 5): ``SameRequestLimit``, 5 identical requests a
minute, and ``ClientErrorLimit``, the same request failing twice in 5 minutes. Sending a request the
ERP will throttle only burns the company's hourly budget, so the client asks this guard first:

- a request that failed twice in the last 5 minutes is refused until the older failure is 5 minutes
  old;
- a sixth identical request within a minute is held back until the oldest of the five is a minute
  old.

"Failed" means any error answer except 429, 5xx included: the ERP does not publish which answers its
``ClientErrorLimit`` counts, and guessing too few costs a 429. Connection failures got no answer
and are not counted. Bookkeeping is O(1) per request: a bounded deque per request and an ordered
map pruned from its old end.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from ._plugins import as_async

SAME_REQUEST_LIMIT = 5
SAME_REQUEST_WINDOW_SECONDS = 60.0
FAILED_REQUEST_LIMIT = 2
FAILED_REQUEST_WINDOW_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class RepeatVerdict:
    """Why a request may not go now, and how long until it may. ``refused`` is final for now;
    otherwise it is a hold the client may sleep through."""

    refused: bool
    wait_seconds: float
    reason: str


@runtime_checkable
class RepeatGuard(Protocol):
    def check(self, key: str) -> RepeatVerdict | None: ...

    def sent(self, key: str) -> None: ...

    def failed(self, key: str, summary: str) -> None: ...


@runtime_checkable
class AsyncRepeatGuard(Protocol):
    async def check(self, key: str) -> RepeatVerdict | None: ...

    async def sent(self, key: str) -> None: ...

    async def failed(self, key: str, summary: str) -> None: ...


def verdict_of(
    sends: Sequence[float], failures: Sequence[float], last_failure: str, now: float
) -> RepeatVerdict | None:
    """The rules themselves, for any guard: ``sends`` and ``failures`` are the times (on the
    clock of ``now``) of the latest identical requests sent and failed, oldest first."""
    if len(failures) >= FAILED_REQUEST_LIMIT:
        wait = failures[-FAILED_REQUEST_LIMIT] + FAILED_REQUEST_WINDOW_SECONDS - now
        if wait > 0:
            return RepeatVerdict(
                refused=True,
                wait_seconds=wait,
                reason=(
                    "the same request failed twice in the last 5 minutes "
                    f"(last: {last_failure}); the ERP would throttle it"
                ),
            )
    if len(sends) >= SAME_REQUEST_LIMIT:
        wait = sends[-SAME_REQUEST_LIMIT] + SAME_REQUEST_WINDOW_SECONDS - now
        if wait > 0:
            return RepeatVerdict(
                refused=False,
                wait_seconds=wait,
                reason="the same request was sent 5 times in the last minute",
            )
    return None


@dataclass(slots=True)
class _History:
    sends: deque[float] = field(default_factory=lambda: deque(maxlen=SAME_REQUEST_LIMIT))
    failures: deque[float] = field(default_factory=lambda: deque(maxlen=FAILED_REQUEST_LIMIT))
    last_failure: str = ""
    touched: float = 0.0


class InMemoryRepeatGuard:
    """The guard for one process. Keys are strings so a shared implementation can use them too."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._histories: OrderedDict[str, _History] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._histories)

    def _prune(self, now: float) -> None:
        # Nothing older than the longest window matters; the oldest-touched entries sit in front.
        horizon = now - FAILED_REQUEST_WINDOW_SECONDS
        histories = self._histories
        while histories:
            key, history = next(iter(histories.items()))
            if history.touched > horizon:
                break
            del histories[key]

    def check(self, key: str) -> RepeatVerdict | None:
        history = self._histories.get(key)
        if history is None:
            return None
        return verdict_of(history.sends, history.failures, history.last_failure, self._clock())

    def _history(self, key: str, now: float) -> _History:
        """The key's history, freshly touched (call under the lock)."""
        history = self._histories.get(key)
        if history is None:
            history = self._histories[key] = _History()
        else:
            self._histories.move_to_end(key)
        history.touched = now
        return history

    def sent(self, key: str) -> None:
        now = self._clock()
        with self._lock:
            self._history(key, now).sends.append(now)
            self._prune(now)

    def failed(self, key: str, summary: str) -> None:
        now = self._clock()
        with self._lock:
            history = self._history(key, now)
            history.failures.append(now)
            history.last_failure = summary


class AsyncRepeatGuardAdapter:
    """Use a sync repeat guard from ``AsyncErpClient``: called inline (the in-memory one), or in a
    worker thread with ``in_thread=True`` (a shared one doing network I/O)."""

    def __init__(self, guard: RepeatGuard, *, in_thread: bool = False) -> None:
        self.wrapped = guard
        self._in_thread = in_thread

    async def check(self, key: str) -> RepeatVerdict | None:
        if self._in_thread:
            return await asyncio.to_thread(self.wrapped.check, key)
        return self.wrapped.check(key)

    async def sent(self, key: str) -> None:
        if self._in_thread:
            await asyncio.to_thread(self.wrapped.sent, key)
        else:
            self.wrapped.sent(key)

    async def failed(self, key: str, summary: str) -> None:
        if self._in_thread:
            await asyncio.to_thread(self.wrapped.failed, key, summary)
        else:
            self.wrapped.failed(key, summary)


def as_repeat_guard(guard: RepeatGuard | None) -> RepeatGuard:
    """What ``ErpClient`` asks: the given guard, else one for this client alone."""
    return guard if guard is not None else InMemoryRepeatGuard()


def as_async_repeat_guard(guard: RepeatGuard | AsyncRepeatGuard | None) -> AsyncRepeatGuard:
    """What ``AsyncErpClient`` awaits: an async guard as given, a sync one wrapped inline."""
    return as_async(guard, "check", AsyncRepeatGuardAdapter, InMemoryRepeatGuard)
