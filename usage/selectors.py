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


def company_hours(company, *, hours: int = 48, now: datetime | None = None) -> list:
    from .models import HourlyUsage

    first = hours_back(hours, now)
    return list(HourlyUsage.objects.filter(company=company, hour__gte=first).order_by("hour"))


def company_families(company, *, now: datetime | None = None) -> list:
    """This hour's calls by endpoint family, busiest first."""
    from .models import HourlyFamilyUsage

    return list(
        HourlyFamilyUsage.objects.filter(company=company, hour=utc_hour(now)).order_by(
            "-calls", "family"
        )
    )


def recent_throttled_calls(company, *, limit: int = 20) -> list:
    from .models import CallLog

    return list(CallLog.objects.filter(company=company, status=429).order_by("-started_at")[:limit])


def export_rows(*, companies, first_hour: datetime, last_hour: datetime):
    """Hourly rollups for the CSV export, streamed from the database in hour order."""
    from .models import HourlyUsage

    return (
        HourlyUsage.objects.filter(company__in=companies, hour__gte=first_hour, hour__lte=last_hour)
        .select_related("company")
        .order_by("hour", "company__name", "company_id")
        .iterator(chunk_size=2000)
    )


def company_for(*, client_id: str, tenant_id: str):
    """The metered company of one (API client, tenant id), or None."""
    from .models import MeteredCompany

    return MeteredCompany.objects.filter(client_id=client_id, tenant_id=tenant_id).first()
