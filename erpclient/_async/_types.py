"""Callables the client is given or keeps, in the form this flavour calls them."""

from __future__ import annotations

from typing import Protocol

from .._auth import TokenAttempt
from ..recording import CallRecord


class Sleep(Protocol):
    async def __call__(self, seconds: float, /) -> None: ...


class AttemptSink(Protocol):
    async def __call__(self, attempt: TokenAttempt, /) -> None: ...


class RecordSink(Protocol):
    async def __call__(self, record: CallRecord, /) -> None: ...
