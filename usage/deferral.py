"""Background work that the budget holds goes back to Celery with a countdown; no worker sleeps.

try:
    run_check(tenant)
except (BudgetHeld, RateLimited, RepeatedRequestRefused) as error:
    raise self.retry(countdown=countdown_for(error), exc=error)
"""

from __future__ import annotations

import math
import random

from erpclient import BudgetError, ErpError, RateLimited

# A 429 without Retry-After (or a hold without a wait): try again in a minute.
DEFAULT_COUNTDOWN_SECONDS = 60
# Never park a task longer than a little over one hourly window.
MAX_COUNTDOWN_SECONDS = 3900
# Spread tasks held until the same window reset over a few seconds, so they do not all wake at once.
JITTER_SECONDS = 5


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


# What a background job passes when it builds its ERP client: a budget hold or a 429 raises at
# once (BudgetHeld / RateLimited) instead of the client sleeping it off inside the worker.
BACKGROUND_CLIENT_OPTIONS: dict[str, float] = {"retry_after_cap": 0.0}
