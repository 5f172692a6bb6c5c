"""Background work that the budget holds goes back to Celery with a countdown; no worker sleeps.

A background task that calls the ERP takes ``base=DeferredOnHold``::

    @shared_task(bind=True, base=DeferredOnHold)
    def sync_company(self, tenant_pk):
        with erp_for(tenant, priority=Priority.BACKGROUND) as erp:  # BACKGROUND_CLIENT_OPTIONS
            ...

A hold (``BudgetHeld``, ``RepeatedRequestRefused``) or a 429 (``RateLimited``) then re-queues the
task with ``countdown_for(error)``, at most ``USAGE_MAX_DEFERRALS`` times.
"""

from __future__ import annotations

import math
import random
from typing import Any

from celery import Task

from erpclient import BudgetError, BudgetHeld, ErpError, RateLimited, RepeatedRequestRefused

from . import conf

# A 429 without Retry-After (or a hold without a wait): try again in a minute.
DEFAULT_COUNTDOWN_SECONDS = 60
# Never park a task longer than a little over one hourly window.
MAX_COUNTDOWN_SECONDS = 3900
# Spread tasks held until the same window reset over a few seconds, so they do not all wake at once.
JITTER_SECONDS = 5
# What a task waits out by going back to the broker (a refused call is not retried).
DEFERRED_ERRORS = (BudgetHeld, RepeatedRequestRefused, RateLimited)


def countdown_for(error: ErpError, *, jitter: bool = True) -> int:
    """Seconds a background task should wait before trying again after ``error``.

    ``BudgetHeld`` / ``RepeatedRequestRefused`` carry ``wait_seconds``; ``RateLimited`` carries the
    ERP's ``retry_after``. Anything else is not a budget matter and is refused.
    """
    if isinstance(error, RateLimited):
        wait = error.retry_after
    elif isinstance(error, BudgetError):
        wait = error.wait_seconds
    else:
        raise TypeError(
            f"countdown_for expects BudgetHeld, RepeatedRequestRefused or RateLimited, "
            f"not {type(error).__name__}"
        )
    seconds = math.ceil(wait) if wait is not None and wait > 0 else DEFAULT_COUNTDOWN_SECONDS
    if jitter:
        seconds += random.randint(0, JITTER_SECONDS)
    return max(1, min(seconds, MAX_COUNTDOWN_SECONDS))


class DeferredOnHold(Task):
    """The base of a background task that calls the ERP (see the module's docstring)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except DEFERRED_ERRORS as error:
            raise self.retry(
                countdown=countdown_for(error),
                exc=error,
                max_retries=conf.get("USAGE_MAX_DEFERRALS"),
            ) from error


# What a background job passes when it builds its ERP client: a budget hold or a 429 raises at
# once (BudgetHeld / RateLimited) instead of the client sleeping it off inside the worker.
BACKGROUND_CLIENT_OPTIONS: dict[str, float] = {"retry_after_cap": 0.0}
