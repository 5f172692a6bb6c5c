"""Visma Connect access tokens and where they are kept.

A token store lets many workers share one token per tenant: the portal plugs in a shared store
(Redis or the database); the default keeps tokens in this process. ``lock(key)`` is what makes one
refresh in flight per key: whoever holds it fetches, the others wait and then find the new token.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections.abc import AsyncIterator, Iterable
from contextlib import AbstractAsyncContextManager, AbstractContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

from ._plugins import as_async


@dataclass(frozen=True, slots=True)
class Token:
    """An access token; ``repr`` never shows it."""

    access_token: str = field(repr=False)
    expires_at: datetime
    scopes: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.expires_at.tzinfo is None:
            raise ValueError("Token.expires_at must be an aware datetime (UTC)")

    def usable(self, margin_seconds: float, now: datetime | None = None) -> bool:
        """Still good for at least ``margin_seconds``."""
        current = now or datetime.now(UTC)
        return self.expires_at - timedelta(seconds=margin_seconds) > current


def token_key(connect_url: str, client_id: str, tenant_id: str, scopes: Iterable[str]) -> str:
    """The store key of a token; built from public facts only, never from the secret."""
    material = "\n".join([connect_url.rstrip("/"), client_id, tenant_id, " ".join(sorted(scopes))])
    digest = hashlib.sha256(material.encode()).hexdigest()[:32]
    return f"erpclient:token:{client_id}:{tenant_id}:{digest}"


@runtime_checkable
class TokenStore(Protocol):
    def get(self, key: str) -> Token | None: ...

    def set(self, key: str, token: Token) -> None: ...

    def delete(self, key: str) -> None: ...

    def lock(self, key: str) -> AbstractContextManager[object]: ...


@runtime_checkable
class AsyncTokenStore(Protocol):
    async def get(self, key: str) -> Token | None: ...

    async def set(self, key: str, token: Token) -> None: ...

    async def delete(self, key: str) -> None: ...

    def lock(self, key: str) -> AbstractAsyncContextManager[object]: ...


class InMemoryTokenStore:
    """Tokens in this process, with one ``threading.Lock`` per key."""

    def __init__(self) -> None:
        self._tokens: dict[str, Token] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: str) -> Token | None:
        return self._tokens.get(key)

    def set(self, key: str, token: Token) -> None:
        self._tokens[key] = token

    def delete(self, key: str) -> None:
        self._tokens.pop(key, None)

    def lock(self, key: str) -> AbstractContextManager[object]:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        return lock


class AsyncInMemoryTokenStore:
    """Tokens for one event loop, with one ``asyncio.Lock`` per key."""

    def __init__(self) -> None:
        self._tokens: dict[str, Token] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def get(self, key: str) -> Token | None:
        return self._tokens.get(key)

    async def set(self, key: str, token: Token) -> None:
        self._tokens[key] = token

    async def delete(self, key: str) -> None:
        self._tokens.pop(key, None)

    def lock(self, key: str) -> AbstractAsyncContextManager[object]:
        return self._locks.setdefault(key, asyncio.Lock())


class AsyncTokenStoreAdapter:
    """Use a sync token store (for example a Redis one) from ``AsyncErpClient``.

    Reads and writes run in a worker thread when ``in_thread`` is true (a store doing I/O); the
    lock is taken in a worker thread always, since waiting for it blocks. An asyncio lock per key
    in front keeps coroutines of this loop from queueing threads on the same key.
    """

    def __init__(self, store: TokenStore, *, in_thread: bool = False) -> None:
        self.wrapped = store
        self._in_thread = in_thread
        self._local_locks: dict[str, asyncio.Lock] = {}

    async def get(self, key: str) -> Token | None:
        if self._in_thread:
            return await asyncio.to_thread(self.wrapped.get, key)
        return self.wrapped.get(key)

    async def set(self, key: str, token: Token) -> None:
        if self._in_thread:
            await asyncio.to_thread(self.wrapped.set, key, token)
        else:
            self.wrapped.set(key, token)

    async def delete(self, key: str) -> None:
        if self._in_thread:
            await asyncio.to_thread(self.wrapped.delete, key)
        else:
            self.wrapped.delete(key)

    def lock(self, key: str) -> AbstractAsyncContextManager[object]:
        return self._locked(key)

    @asynccontextmanager
    async def _locked(self, key: str) -> AsyncIterator[None]:
        local = self._local_locks.setdefault(key, asyncio.Lock())
        async with local:
            shared = self.wrapped.lock(key)
            await asyncio.to_thread(shared.__enter__)
            try:
                yield
            finally:
                await asyncio.to_thread(shared.__exit__, None, None, None)


def as_token_store(store: TokenStore | None) -> TokenStore:
    """What ``ErpClient`` keeps tokens in: the given store, else a fresh ``InMemoryTokenStore``."""
    return store if store is not None else InMemoryTokenStore()


def as_async_token_store(store: TokenStore | AsyncTokenStore | None) -> AsyncTokenStore:
    """What ``AsyncErpClient`` awaits: an async store as given, a sync one wrapped inline."""
    return as_async(store, "get", AsyncTokenStoreAdapter, AsyncInMemoryTokenStore)
