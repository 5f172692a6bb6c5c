"""When to try a request again, and how long to wait first.

- connection errors, timeouts and 5xx: only for idempotent requests (GET, HEAD, DELETE, a PUT with
  ``If-Match``, or a call the caller marked idempotent), with jittered exponential backoff; a 5xx
  with ``Retry-After`` (a 503 saying when to come back) is waited out like a 429 instead;
- 429: only when ``Retry-After`` is within ``retry_after_cap`` (else the caller reschedules), for
  any method, because a throttled request was not carried out;
- everything else (4xx, budget decisions): never.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from . import errors
from .config import DEFAULT_MAX_RETRIES, DEFAULT_RETRY_AFTER_CAP_SECONDS

_ALWAYS_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})


def is_idempotent(method: str, *, has_if_match: bool, marked: bool | None) -> bool:
    """Whether sending the request twice has the same effect as once."""
    if marked is not None:
        return marked
    if method in _ALWAYS_IDEMPOTENT:
        return True
    # A PUT guarded by If-Match cannot overwrite twice: the second one gets 412.
    return method == "PUT" and has_if_match


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int = DEFAULT_MAX_RETRIES
    retry_after_cap: float = DEFAULT_RETRY_AFTER_CAP_SECONDS
    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    # Share of the backoff taken off at random, so workers that failed together retry apart.
    jitter: float = 0.25
    random: Callable[[], float] = field(default=random.random, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        if self.retry_after_cap < 0:
            raise ValueError("retry_after_cap must be 0 or more seconds")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter is a share of the delay, from 0 up to (not) 1")

    def backoff(self, retry_number: int) -> float:
        """Delay before retry ``retry_number`` (1 for the first retry)."""
        base = min(self.backoff_initial * 2 ** (retry_number - 1), self.backoff_max)
        return base * (1.0 - self.jitter * self.random())

    def after_retry_after(self, retry_after: float) -> float:
        """Delay for a ``Retry-After`` within the cap: at least what the ERP asked, a little more
        at random, never beyond the cap."""
        return min(
            retry_after * (1.0 + 0.1 * self.random()), max(self.retry_after_cap, retry_after)
        )

    def delay(self, error: errors.ErpError, *, attempt: int, idempotent: bool) -> float | None:
        """Seconds to wait before trying again after ``attempt`` failed, or ``None``: raise."""
        if attempt > self.max_retries:
            return None
        if isinstance(error, errors.RateLimited):
            return self._asked_for(error.retry_after)
        if not idempotent:
            return None
        if isinstance(error, errors.ServerError) and error.retry_after is not None:
            return self._asked_for(error.retry_after)
        if isinstance(error, errors.ErpConnectionError | errors.ServerError):
            return self.backoff(attempt)
        return None

    def _asked_for(self, retry_after: float | None) -> float | None:
        """The wait the ERP asked for, when within the cap; beyond it the caller reschedules."""
        if retry_after is None or retry_after > self.retry_after_cap:
            return None
        return self.after_retry_after(retry_after)
