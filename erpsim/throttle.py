"""Visma's throttling: an hourly budget per (client, company), fixed windows, two repeat rules.

KB "Why am I receiving HTTP 429": IntervalLimit (500/h test), TenantIntervalLimit (15,000/h
production), SameRequestLimit (5 identical requests a minute), ClientErrorLimit (the same failed
request twice in 5 minutes). DOCS rate-limits (2026): every response carries X-RateLimit-Limit,
-Remaining, -Reset (seconds until the window resets) and -Policy; a 429 adds Retry-After.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from erpsim.clock import VirtualClock

HOURLY_POLICY = "4-fixed-window"
SAME_REQUEST_POLICY = "SameRequestLimit"
FAILED_REQUEST_POLICY = "ClientErrorLimit"
WINDOW_SECONDS = 3600

BudgetKey = tuple[str, int]  # (client id, company id)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int
    policy: str
    retry_after: int = 0
    message: str = ""

    def headers(self) -> list[tuple[str, str]]:
        headers = [
            ("X-RateLimit-Limit", str(self.limit)),
            ("X-RateLimit-Remaining", str(self.remaining)),
            ("X-RateLimit-Reset", str(self.reset_seconds)),
            ("X-RateLimit-Policy", self.policy),
        ]
        if not self.allowed:
            headers.append(("Retry-After", str(self.retry_after)))
        return headers


class HourlyBudget:
    """Calls per (client, company) in the current clock hour."""

    def __init__(self, clock: VirtualClock, initial_usage: Callable[[BudgetKey, int], int]) -> None:
        self._clock = clock
        self._initial_usage = initial_usage
        self._windows: dict[BudgetKey, list[int]] = {}  # key -> [window index, calls]
        self._lock = threading.Lock()

    def _window(self, key: BudgetKey, limit: int, index: int) -> list[int]:
        window = self._windows.get(key)
        if window is None or window[0] != index:
            window = [index, self._initial_usage(key, limit)]
            self._windows[key] = window
        return window

    def take(self, key: BudgetKey, limit: int) -> Verdict:
        """Count one call if the budget allows it; a refused call is not counted."""
        now = self._clock.now()
        index = int(now // WINDOW_SECONDS)
        reset = max(1, math.ceil((index + 1) * WINDOW_SECONDS - now))
        with self._lock:
            window = self._window(key, limit, index)
            if window[1] >= limit:
                return Verdict(
                    False,
                    limit,
                    0,
                    reset,
                    HOURLY_POLICY,
                    reset,
                    f"Rate limit is exceeded. Try again in {reset} seconds.",
                )
            window[1] += 1
            return Verdict(True, limit, limit - window[1], reset, HOURLY_POLICY)

    def peek(self, key: BudgetKey, limit: int) -> Verdict:
        now = self._clock.now()
        index = int(now // WINDOW_SECONDS)
        reset = max(1, math.ceil((index + 1) * WINDOW_SECONDS - now))
        with self._lock:
            window = self._window(key, limit, index)
            return Verdict(True, limit, max(0, limit - window[1]), reset, HOURLY_POLICY)

    def set_used(self, key: BudgetKey, used: int) -> None:
        index = int(self._clock.now() // WINDOW_SECONDS)
        with self._lock:
            self._windows[key] = [index, used]

    def usage(self) -> dict[BudgetKey, int]:
        index = int(self._clock.now() // WINDOW_SECONDS)
        with self._lock:
            return {key: w[1] for key, w in self._windows.items() if w[0] == index}

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()


class RepeatRule:
    """At most ``limit`` events per identical request in a sliding ``window`` (0 turns it off)."""

    def __init__(self, clock: VirtualClock, limit: int, window: float, policy: str, message: str):
        self._clock = clock
        self.limit = limit
        self._window = window
        self.policy = policy
        self._message = message
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._since_sweep = 0

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    def check(self, identity: str) -> Verdict | None:
        """A refusal when the request already hit the limit, else None."""
        if not self.enabled:
            return None
        now = self._clock.now()
        with self._lock:
            events = self._events.get(identity)
            if not events:
                return None
            while events and events[0] <= now - self._window:
                events.popleft()
            if len(events) < self.limit:
                return None
            retry = max(1, math.ceil(events[0] + self._window - now))
            return Verdict(False, self.limit, 0, retry, self.policy, retry, self._message)

    def record(self, identity: str) -> None:
        if not self.enabled:
            return
        now = self._clock.now()
        with self._lock:
            self._events.setdefault(identity, deque()).append(now)
            self._since_sweep += 1
            if self._since_sweep >= 10_000:
                self._sweep(now)

    def _sweep(self, now: float) -> None:
        # Keeps memory flat under long benchmark runs: forget identities with no recent events.
        self._since_sweep = 0
        stale = [
            key
            for key, events in self._events.items()
            if not events or events[-1] <= now - self._window
        ]
        for key in stale:
            del self._events[key]

    def reset(self) -> None:
        with self._lock:
            self._events.clear()
            self._since_sweep = 0
