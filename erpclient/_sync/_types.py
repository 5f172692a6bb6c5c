# Generated from erpclient/_async by scripts/generate_sync.py; do not edit.
# Change the async source and run `python scripts/generate_sync.py`.
"""Callables the client is given or keeps, in the form this flavour calls them."""

from __future__ import annotations

from typing import Protocol

from .._auth import TokenAttempt
from ..recording import CallRecord


class Sleep(Protocol):
    def __call__(self, seconds: float, /) -> None: ...


class AttemptSink(Protocol):
    def __call__(self, attempt: TokenAttempt, /) -> None: ...


class RecordSink(Protocol):
    def __call__(self, record: CallRecord, /) -> None: ...
