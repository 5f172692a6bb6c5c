"""Visma Connect access tokens shared by every web and worker process, encrypted at rest.

Django's cache holds them (Redis in production, else the database), encrypted with the same key
list as the client secrets, and expiring with the token. ``lock(key)`` is a cross-process lock
built on ``cache.add`` (atomic on Redis, and an insert on a unique key in the database): one
refresh per tenant is in flight, the others wait and then find the new token. A value that
cannot be decrypted (after a key rotation) is a miss. Visma Connect's refusals of a tenant's
credentials are kept beside the tokens for as long as erpclient remembers them (no secret in
them); a new token or forgetting the tokens clears them.
"""

from __future__ import annotations

import json
import math
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from django.core.cache import cache

from erpclient import Token
from erpclient.tokens import TokenRefusal
from portal.fields import DecryptionFailed, decrypt, encrypt

PREFIX = "tenants:token:"
REFUSAL_PREFIX = "tenants:token-refusal:"
LOCK_PREFIX = "tenants:token-lock:"
# Longer than a token request may take (the client's timeout), so a crashed holder frees the lock.
LOCK_TTL_SECONDS = 70
# How long a waiter waits for the holder before giving up.
LOCK_WAIT_SECONDS = 75
LOCK_POLL_SECONDS = 0.05


class LockTimeout(RuntimeError):
    pass


class CacheTokenStore:
    """erpclient's ``TokenStore`` on Django's cache."""

    def __init__(
        self, *, lock_ttl: float = LOCK_TTL_SECONDS, lock_wait: float = LOCK_WAIT_SECONDS
    ) -> None:
        self.lock_ttl = lock_ttl
        self.lock_wait = lock_wait
        self._local_locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: str) -> Token | None:
        stored = cache.get(PREFIX + key)
        if not stored:
            return None
        try:
            data = json.loads(decrypt(stored))
            return Token(
                access_token=data["access_token"],
                expires_at=datetime.fromisoformat(data["expires_at"]),
                scopes=frozenset(data.get("scopes", ())),
            )
        except (DecryptionFailed, ValueError, KeyError, TypeError):
            return None

    def set(self, key: str, token: Token) -> None:
        lifetime = (token.expires_at - datetime.now(UTC)).total_seconds()
        if lifetime <= 0:
            return
        payload = json.dumps(
            {
                "access_token": token.access_token,
                "expires_at": token.expires_at.isoformat(),
                "scopes": sorted(token.scopes),
            }
        )
        cache.set(PREFIX + key, encrypt(payload), timeout=int(lifetime))
        cache.delete(REFUSAL_PREFIX + key)

    def delete(self, key: str) -> None:
        cache.delete_many([PREFIX + key, REFUSAL_PREFIX + key])

    def get_refusal(self, key: str) -> TokenRefusal | None:
        stored = cache.get(REFUSAL_PREFIX + key)
        try:
            return TokenRefusal.from_dict(json.loads(stored)) if stored else None
        except (ValueError, KeyError, TypeError):
            return None

    def set_refusal(self, key: str, refusal: TokenRefusal) -> None:
        lifetime = (refusal.until - datetime.now(UTC)).total_seconds()
        if lifetime > 0:
            payload = json.dumps(refusal.as_dict())
            cache.set(REFUSAL_PREFIX + key, payload, timeout=math.ceil(lifetime))

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        # Threads of this process queue on a local lock first (cheaper than polling the cache);
        # processes then meet at cache.add.
        with self._guard:
            local = self._local_locks.setdefault(key, threading.Lock())
        if not local.acquire(timeout=self.lock_wait):
            raise LockTimeout(f"waited {self.lock_wait:g} s for the token refresh lock")
        try:
            with self._shared_lock(key):
                yield
        finally:
            local.release()

    @contextmanager
    def _shared_lock(self, key: str) -> Iterator[None]:
        lock_key = LOCK_PREFIX + key
        owner = secrets.token_hex(8)
        deadline = time.monotonic() + self.lock_wait
        while not cache.add(lock_key, owner, timeout=max(int(self.lock_ttl), 1)):
            if time.monotonic() >= deadline:
                raise LockTimeout(f"waited {self.lock_wait:g} s for the token refresh lock")
            time.sleep(LOCK_POLL_SECONDS)
        try:
            yield
        finally:
            # Only the holder frees it; a lock that expired and was taken over is not ours.
            if cache.get(lock_key) == owner:
                cache.delete(lock_key)


_store: CacheTokenStore | None = None


def get_token_store() -> CacheTokenStore:
    global _store
    if _store is None:
        _store = CacheTokenStore()
    return _store
