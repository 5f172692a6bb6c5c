"""Visma Connect access tokens and where they are kept.

A token store lets many workers share one token per tenant: the portal plugs in a shared store
(Redis or the database); the default keeps tokens in this process. ``lock(key)`` is what makes one
refresh in flight per key: whoever holds it fetches, the others wait and then find the new token.

A store may also keep Visma Connect's refusals (``get_refusal`` / ``set_refusal``, the
``RefusalStore`` protocol), so that a tenant that is refused (``invalid_tenant``, a wrong secret)
fails fast for a while instead of asking Visma Connect on every call. ``set`` and ``delete`` of a
key clear its refusal too.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
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


@dataclass(frozen=True, slots=True)
class TokenRefusal:
    """Visma Connect refused a token request: remembered until ``until`` for the credentials it
    was refused for (a salted digest of the secret, so a new secret is asked about at once)."""

    error: str
    description: str
    status: int | None
    refused_at: datetime
    until: datetime
    credentials: str = field(repr=False)

    @classmethod
    def of(
        cls, error: str, description: str, status: int | None, secret: str, seconds: float
    ) -> TokenRefusal:
        now = datetime.now(UTC)
        salt = secrets.token_bytes(16)
        return cls(
            error,
            description,
            status,
            now,
            now + timedelta(seconds=seconds),
            salt.hex() + ":" + _digest(secret, salt),
        )

    def applies_to(self, secret: str, now: datetime | None = None) -> bool:
        """Still in force, and for these very credentials."""
        if self.until <= (now or datetime.now(UTC)):
            return False
        salt, _, digest = self.credentials.partition(":")
        try:
            return hmac.compare_digest(digest, _digest(secret, bytes.fromhex(salt)))
        except ValueError:
            return False

    def as_dict(self) -> dict[str, object]:
        return {
            "error": self.error,
            "description": self.description,
            "status": self.status,
            "refused_at": self.refused_at.isoformat(),
            "until": self.until.isoformat(),
            "credentials": self.credentials,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> TokenRefusal:
        status = data.get("status")
        return cls(
            error=str(data["error"]),
            description=str(data.get("description") or ""),
            status=status if isinstance(status, int) else None,
            refused_at=datetime.fromisoformat(str(data["refused_at"])),
            until=datetime.fromisoformat(str(data["until"])),
            credentials=str(data["credentials"]),
        )


def _digest(secret: str, salt: bytes) -> str:
    return hashlib.blake2b(secret.encode(), salt=salt, digest_size=16).hexdigest()


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


@runtime_checkable
class RefusalStore(Protocol):
    """What a token store also does to remember Visma Connect's refusals (optional)."""

    def get_refusal(self, key: str) -> TokenRefusal | None: ...

    def set_refusal(self, key: str, refusal: TokenRefusal) -> None: ...


@runtime_checkable
class AsyncRefusalStore(Protocol):
    async def get_refusal(self, key: str) -> TokenRefusal | None: ...

    async def set_refusal(self, key: str, refusal: TokenRefusal) -> None: ...


class InMemoryTokenStore:
    """Tokens in this process, with one ``threading.Lock`` per key."""

    def __init__(self) -> None:
        self._tokens: dict[str, Token] = {}
        self._refusals: dict[str, TokenRefusal] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: str) -> Token | None:
        return self._tokens.get(key)

    def set(self, key: str, token: Token) -> None:
        self._tokens[key] = token
        self._refusals.pop(key, None)

    def delete(self, key: str) -> None:
        self._tokens.pop(key, None)
        self._refusals.pop(key, None)

    def get_refusal(self, key: str) -> TokenRefusal | None:
        return self._refusals.get(key)

    def set_refusal(self, key: str, refusal: TokenRefusal) -> None:
        self._refusals[key] = refusal

    def lock(self, key: str) -> AbstractContextManager[object]:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        return lock


class AsyncInMemoryTokenStore:
    """Tokens for one event loop, with one ``asyncio.Lock`` per key."""

    def __init__(self) -> None:
        self._tokens: dict[str, Token] = {}
        self._refusals: dict[str, TokenRefusal] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def get(self, key: str) -> Token | None:
        return self._tokens.get(key)

    async def set(self, key: str, token: Token) -> None:
        self._tokens[key] = token
        self._refusals.pop(key, None)

    async def delete(self, key: str) -> None:
        self._tokens.pop(key, None)
        self._refusals.pop(key, None)

    async def get_refusal(self, key: str) -> TokenRefusal | None:
        return self._refusals.get(key)

    async def set_refusal(self, key: str, refusal: TokenRefusal) -> None:
        self._refusals[key] = refusal

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

    async def get_refusal(self, key: str) -> TokenRefusal | None:
        if not isinstance(self.wrapped, RefusalStore):
            return None
        if self._in_thread:
            return await asyncio.to_thread(self.wrapped.get_refusal, key)
        return self.wrapped.get_refusal(key)

    async def set_refusal(self, key: str, refusal: TokenRefusal) -> None:
        if not isinstance(self.wrapped, RefusalStore):
            return
        if self._in_thread:
            await asyncio.to_thread(self.wrapped.set_refusal, key, refusal)
        else:
            self.wrapped.set_refusal(key, refusal)

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
