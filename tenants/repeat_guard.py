"""erpclient's repeat guard shared by every web and worker process, on Django's cache.

The ERP throttles the same request failing twice in 5 minutes and the same request sent 5 times
a minute, whichever process sent them; a guard per process would let the web and a worker trip
the first rule between them. This one keeps each request's history in the cache (Redis in
production, the database otherwise), under a hash of erpclient's repeat key:

- sends: one entry per send in ``SAME_REQUEST_LIMIT`` slots, each claimed with ``cache.add`` (an
  atomic "set if absent" on Redis and an insert on a unique key in the database) and expiring
  after the minute, so two processes never claim the same slot;
- failures: one entry with the latest failure times and the last failure's summary, changed
  under a short cross-process lock (``cache.add`` again), so no failure is lost.

``check`` reads everything in one round trip and applies erpclient's own rules
(``erpclient.repeat_guard.verdict_of``). Times are wall-clock seconds, the one clock processes on
several hosts share.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache import cache

from erpclient.repeat_guard import (
    FAILED_REQUEST_LIMIT,
    FAILED_REQUEST_WINDOW_SECONDS,
    SAME_REQUEST_LIMIT,
    SAME_REQUEST_WINDOW_SECONDS,
    RepeatVerdict,
    verdict_of,
)

PREFIX = "tenants:repeat:"
# A failure is recorded in milliseconds; a holder that died frees the lock after this long.
LOCK_TTL_SECONDS = 5
LOCK_WAIT_SECONDS = 2.0
LOCK_POLL_SECONDS = 0.01


def _ttl(seconds: float) -> int:
    # Whole seconds, rounded up: an entry may outlive its window a little, never die before it.
    return math.ceil(seconds) + 1


class CacheRepeatGuard:
    """erpclient's ``RepeatGuard`` on Django's cache. Guards with the same ``namespace`` (every
    portal process: the default) share one history."""

    def __init__(self, *, namespace: str = "", clock: Callable[[], float] = time.time) -> None:
        self._prefix = f"{PREFIX}{namespace}:" if namespace else PREFIX
        self._clock = clock

    def _names(self, key: str) -> tuple[list[str], str, str]:
        digest = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
        base = self._prefix + digest
        sends = [f"{base}:sent:{slot}" for slot in range(SAME_REQUEST_LIMIT)]
        return sends, f"{base}:failed", f"{base}:lock"

    def check(self, key: str) -> RepeatVerdict | None:
        sends, failed, _ = self._names(key)
        found = cache.get_many([*sends, failed])
        sent_at = sorted(float(found[name]) for name in sends if name in found)
        failures: dict[str, Any] = found.get(failed) or {}
        return verdict_of(sent_at, failures.get("at", []), failures.get("last", ""), self._clock())

    def sent(self, key: str) -> None:
        sends, _, _ = self._names(key)
        now = self._clock()
        ttl = _ttl(SAME_REQUEST_WINDOW_SECONDS)
        for name in sends:
            if cache.add(name, now, timeout=ttl):
                return
        # Every slot is taken (a send the guard held until the oldest was a minute old, whose
        # entry has not expired yet): the newest send replaces the oldest.
        found = cache.get_many(sends)
        oldest = min(sends, key=lambda name: float(found.get(name, 0.0)))
        cache.set(oldest, now, timeout=ttl)

    def failed(self, key: str, summary: str) -> None:
        _, failed, lock = self._names(key)
        now = self._clock()
        horizon = now - FAILED_REQUEST_WINDOW_SECONDS
        with self._locked(lock):
            previous: dict[str, Any] = cache.get(failed) or {}
            recent = [at for at in previous.get("at", []) if at > horizon]
            times = [*recent, now][-FAILED_REQUEST_LIMIT:]
            cache.set(
                failed,
                {"at": times, "last": summary},
                timeout=_ttl(FAILED_REQUEST_WINDOW_SECONDS),
            )

    @contextmanager
    def _locked(self, lock: str) -> Iterator[None]:
        owner = secrets.token_hex(8)
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        held = cache.add(lock, owner, timeout=LOCK_TTL_SECONDS)
        while not held and time.monotonic() < deadline:
            time.sleep(LOCK_POLL_SECONDS)
            held = cache.add(lock, owner, timeout=LOCK_TTL_SECONDS)
        # Without the lock (a holder stuck past the wait) the failure is still recorded: losing
        # it would be worse than racing another writer.
        try:
            yield
        finally:
            if held and cache.get(lock) == owner:
                cache.delete(lock)


_guard = CacheRepeatGuard()


def get_repeat_guard() -> CacheRepeatGuard:
    return _guard


def forget_history() -> None:
    """Start this process on a history of its own, as if every request were new (tests move the
    sandbox's clock past the ERP's windows, which the wall clock of the guard does not see)."""
    global _guard
    _guard = CacheRepeatGuard(namespace=secrets.token_hex(6))
