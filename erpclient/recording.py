"""The budget guard's recorder: told about every attempt, for the call ledger and the metrics.

A record never holds a secret, a token or a body. A recorder that raises does not break the call.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from ._plugins import as_async
from .priority import Priority
from .ratelimit import RateLimitInfo


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One attempt at one request (a retry is a second record with ``attempt=2``)."""

    tenant_id: str
    client_id: str
    company_id: str | None
    priority: Priority
    method: str
    path_template: str
    endpoint_family: str
    status: int | None
    duration_ms: float
    fault_code: str | None
    error_kind: str | None
    ratelimit: RateLimitInfo | None
    retry_after: float | None
    request_id: str | None
    attempt: int
    started_at: datetime


@runtime_checkable
class Recorder(Protocol):
    def record(self, call: CallRecord) -> None: ...


@runtime_checkable
class AsyncRecorder(Protocol):
    async def record(self, call: CallRecord) -> None: ...


class InMemoryRecorder:
    """Keeps the last ``maxlen`` records in memory (a ring), for scripts and tests."""

    def __init__(self, maxlen: int = 1000) -> None:
        self._calls: deque[CallRecord] = deque(maxlen=maxlen)
        self._lock = threading.Lock()

    def record(self, call: CallRecord) -> None:
        self._calls.append(call)

    @property
    def calls(self) -> list[CallRecord]:
        with self._lock:
            return list(self._calls)

    def clear(self) -> None:
        self._calls.clear()


class AsyncRecorderAdapter:
    """Use a sync recorder from ``AsyncErpClient`` (``in_thread=True`` for one doing I/O)."""

    def __init__(self, recorder: Recorder, *, in_thread: bool = False) -> None:
        self.wrapped = recorder
        self._in_thread = in_thread

    async def record(self, call: CallRecord) -> None:
        if self._in_thread:
            await asyncio.to_thread(self.wrapped.record, call)
        else:
            self.wrapped.record(call)


def as_recorder(recorder: Recorder | None) -> Recorder:
    """What ``ErpClient`` tells: the given recorder, else a fresh ``InMemoryRecorder``."""
    return recorder if recorder is not None else InMemoryRecorder()


def as_async_recorder(recorder: Recorder | AsyncRecorder | None) -> AsyncRecorder:
    """What ``AsyncErpClient`` awaits: an async recorder as given, a sync one wrapped inline."""
    return as_async(recorder, "record", AsyncRecorderAdapter, InMemoryRecorder)
