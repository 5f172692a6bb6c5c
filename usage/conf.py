"""The usage app's settings, read once per call with documented defaults.

Every value can be set in ``portal/settings.py`` (the ``# --- usage`` section reads them from the
environment); these defaults apply when a setting is absent, so tests and scripts need nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

# Visma's documented hourly budgets per company: 500 for a test client, 15,000 for production.
DEFAULT_HOURLY_LIMITS = {"test": 500, "production": 15_000}
# The share of each hour's budget that background work leaves for staff at the console.
DEFAULT_BACKGROUND_RESERVE = {"test": 0.2, "production": 0.2}

_DEFAULTS: dict[str, Any] = {
    "USAGE_HOURLY_LIMITS": DEFAULT_HOURLY_LIMITS,
    "USAGE_BACKGROUND_RESERVE": DEFAULT_BACKGROUND_RESERVE,
    "USAGE_CALL_LOG_DAYS": 14,
    "USAGE_ROLLUP_DAYS": 400,
    "USAGE_ALERT_SHARE": 0.8,
    "USAGE_TEST_CLIENT_HEAVY_SHARE": 0.5,
    "USAGE_TEST_CLIENT_AVERAGE_HOURS": 24,
    "USAGE_REDIS_URL": None,
    "USAGE_REDIS_PREFIX": "usage:",
    "USAGE_METRICS_TOKEN": "",
    "USAGE_METRICS_EXTRA": [],
    "USAGE_METRICS_QUEUES": ["celery"],
    "USAGE_EXPORT_MAX_DAYS": 93,
    "USAGE_EXPORT_MAX_ROWS": 250_000,
    "USAGE_MAX_DEFERRALS": 48,
    "USAGE_DASHBOARD_REFRESH_SECONDS": 5,
}


def get(name: str) -> Any:
    return getattr(settings, name, _DEFAULTS[name])


def hourly_limit_for(client_type: str) -> int:
    limits = get("USAGE_HOURLY_LIMITS")
    return int(limits.get(client_type, min(limits.values())))


def reserve_for(client_type: str) -> float:
    reserves = get("USAGE_BACKGROUND_RESERVE")
    return float(reserves.get(client_type, max(reserves.values())))


def redis_url() -> str:
    """The limiter's Redis: ``USAGE_REDIS_URL`` when set (an empty string means "use the
    database"), else the project's ``REDIS_URL``."""
    own = get("USAGE_REDIS_URL")
    return own if own is not None else getattr(settings, "REDIS_URL", "")
