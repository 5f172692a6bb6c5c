"""The usage app's settings, read at call time (so a changed setting applies at once).

Every value and its default lives in the usage section of ``portal/settings.py``: that is their
one home; this module only reads them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from . import rules


def get(name: str) -> Any:
    return getattr(settings, name)


def hourly_limit_for(client_type: str) -> int:
    """The default hourly limit of a client type (``USAGE_LIMIT_TEST`` / ``_PRODUCTION``)."""
    limits = get("USAGE_HOURLY_LIMITS")
    return int(limits.get(client_type, min(limits.values())))


def reserve_for(client_type: str) -> float:
    reserves = get("USAGE_BACKGROUND_RESERVE")
    return float(reserves.get(client_type, max(reserves.values())))


def near_limit(used: int, limit: int) -> bool:
    """ "Near the limit" with the configured ``USAGE_ALERT_SHARE`` (see ``rules.near_limit``)."""
    return rules.near_limit(used, limit, get("USAGE_ALERT_SHARE"))


def redis_url() -> str:
    """The limiter's Redis: ``USAGE_REDIS_URL`` when set (an empty string means "use the
    database"), else the project's ``REDIS_URL``."""
    own = get("USAGE_REDIS_URL")
    return own if own is not None else settings.REDIS_URL
