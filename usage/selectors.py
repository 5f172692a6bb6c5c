"""Reads: where companies stand, what the ERP last said, and the figures behind the pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from erpclient import RateLimitInfo

from . import registry
from .budget import BudgetState, budget_state_of
from .limiter import get_limiter


def budget_state(*, client_id: str, tenant_id: str) -> BudgetState:
    """This hour's budget of one (API client, company), as the shared limiter sees it."""
    limiter = get_limiter()
    config = registry.config_for(client_id, tenant_id)
    return budget_state_of(limiter.state(client_id, tenant_id), config, limiter.now())


def latest_ratelimit(*, client_id: str, tenant_id: str) -> RateLimitInfo | None:
    """The last ``X-RateLimit-*`` figures the ERP reported for this window, or None."""
    limiter = get_limiter()
    state = limiter.state(client_id, tenant_id)
    if state.erp_seen_at is None or state.erp_remaining is None:
        return None
    observed_at = datetime.fromtimestamp(state.erp_seen_at, tz=UTC)
    reset = max(state.window_end - state.erp_seen_at, 0.0) if state.window_end is not None else None
    return RateLimitInfo(
        limit=state.erp_limit,
        remaining=state.erp_remaining,
        reset_seconds=reset,
        policy=state.erp_policy or None,
        observed_at=observed_at,
    )


def utc_hour(moment: datetime | None = None) -> datetime:
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def hours_back(hours: int, moment: datetime | None = None) -> datetime:
    return utc_hour(moment) - timedelta(hours=hours - 1)
