"""Reads: where companies stand, what the ERP last said, and the figures behind the pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Sum

from erpclient import RateLimitInfo

from . import conf, registry
from .budget import BudgetState, budget_state_of
from .limiter import get_limiter
from .models import CallLog, ClientType, HourlyFamilyUsage, HourlyUsage, MeteredCompany


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
    first = hours_back(hours, now)
    return list(HourlyUsage.objects.filter(company=company, hour__gte=first).order_by("hour"))


def company_families(company, *, now: datetime | None = None) -> list:
    """This hour's calls by endpoint family, busiest first."""
    return list(
        HourlyFamilyUsage.objects.filter(company=company, hour=utc_hour(now)).order_by(
            "-calls", "family"
        )
    )


def recent_throttled_calls(company, *, limit: int = 20) -> list:
    return list(CallLog.objects.filter(company=company, status=429).order_by("-started_at")[:limit])


def export_rows(*, companies, first_hour: datetime, last_hour: datetime):
    """Hourly rollups for the CSV export, streamed from the database in hour order."""
    return (
        HourlyUsage.objects.filter(company__in=companies, hour__gte=first_hour, hour__lte=last_hour)
        .select_related("company")
        .order_by("hour", "company__name", "company_id")
        .iterator(chunk_size=2000)
    )


@dataclass(frozen=True, slots=True)
class HeavyTestClient:
    company: MeteredCompany
    average: float
    limit: int
    hours: int
    share: float


def heavy_test_clients(
    *, now: datetime | None = None, client_id: str | None = None, tenant_id: str | None = None
) -> list[HeavyTestClient]:
    """The one definition of "a test client carrying production traffic": an active test
    client whose calls averaged above ``USAGE_TEST_CLIENT_HEAVY_SHARE`` of its hourly limit over
    the last ``USAGE_TEST_CLIENT_AVERAGE_HOURS`` clock hours (this one included). The alert
    opens the tenant's issue with it and the tenant's checks clear the issue with it, so the
    two never disagree. Narrow it to one company with ``client_id`` and ``tenant_id``."""
    hours = conf.get("USAGE_TEST_CLIENT_AVERAGE_HOURS")
    share = conf.get("USAGE_TEST_CLIENT_HEAVY_SHARE")
    since = hours_back(hours, now)
    companies = MeteredCompany.objects.filter(
        active=True, client_type=ClientType.TEST, hours__hour__gte=since
    )
    if client_id is not None:
        companies = companies.filter(client_id=client_id, tenant_id__iexact=tenant_id or "")
    heavy = []
    for company in companies.annotate(recent_calls=Sum("hours__calls")):
        average = company.recent_calls / hours
        if average > share * company.hourly_limit:
            heavy.append(HeavyTestClient(company, average, company.hourly_limit, hours, share))
    return heavy


def is_test_client_heavy(*, client_id: str, tenant_id: str, now: datetime | None = None) -> bool:
    """Is this company's test client carrying production traffic (see ``heavy_test_clients``)?

    Only an active test client can be; the registry (the limiter's cached view of the company)
    says which it is, so a production company costs no query."""
    config = registry.config_for(client_id, tenant_id)
    if not config.active or config.client_type != ClientType.TEST:
        return False
    return bool(heavy_test_clients(now=now, client_id=client_id, tenant_id=tenant_id))


def company_for(*, client_id: str, tenant_id: str):
    """The metered company of one (API client, tenant id), or None."""
    return MeteredCompany.objects.filter(client_id=client_id, tenant_id=tenant_id).first()
