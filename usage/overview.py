"""The usage dashboard's rows: every metered company, where it stands this hour, filtered and
sorted. A fixed number of queries whatever the number of companies (companies, budget windows,
the last hour's 429s, the last day's 429s); filtering and sorting happen in Python over figures
already in memory, then one page is rendered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Count, Sum

from . import conf, rules
from .budget import BudgetState, budget_state_of
from .limiter import get_limiter
from .models import CallLog, ClientType, HourlyUsage, MeteredCompany
from .registry import CompanyConfig

SORTS = {
    "name": lambda row: (row.name.lower(), row.client_id),
    "usage": lambda row: (row.share, row.used),
    "remaining": lambda row: (row.remaining, row.name.lower()),
    "throttled_hour": lambda row: (row.throttled_hour, row.throttled_day),
    "throttled_day": lambda row: (row.throttled_day, row.throttled_hour),
    # Companies that will not run out this hour sort after every one that will.
    "runs_out": lambda row: (
        row.runs_out_at is None,
        row.runs_out_at or datetime.max.replace(tzinfo=UTC),
    ),
    "client_type": lambda row: (row.client_type, row.name.lower()),
}


@dataclass(frozen=True, slots=True)
class CompanyRow:
    pk: int
    name: str
    client_id: str
    tenant_id: str
    company_id: int | None
    client_type: str
    tenant_pk: int | None
    budget: BudgetState
    throttled_hour: int
    throttled_day: int
    runs_out_at: datetime | None

    @property
    def used(self) -> int:
        return self.budget.used

    @property
    def limit(self) -> int:
        return self.budget.limit

    @property
    def share(self) -> float:
        return self.budget.share

    @property
    def percent(self) -> int:
        return round(self.budget.share * 100)

    @property
    def remaining(self) -> int:
        return self.budget.remaining

    @property
    def reserve(self) -> float:
        return self.budget.reserve

    @property
    def blocked(self) -> bool:
        return self.budget.blocked_until is not None

    @property
    def throttled(self) -> bool:
        return self.blocked or self.throttled_hour > 0 or self.throttled_day > 0

    @property
    def level(self) -> str:
        if self.blocked or self.share >= 1.0:
            return "bad"
        if self.share >= conf.get("USAGE_ALERT_SHARE"):
            return "warn"
        return "ok"


def runs_out_at(budget: BudgetState, now: float) -> datetime | None:
    """When this hour's budget runs out at the rate of the hour so far (None: not this hour)."""
    window_start = budget.resets_at.timestamp() - rules.WINDOW_SECONDS
    elapsed = max(now - window_start, 60.0)  # a minute in, the rate means something
    if budget.used <= 0:
        return None
    if budget.remaining <= 0:
        return datetime.fromtimestamp(now, tz=UTC)
    at = now + budget.remaining / (budget.used / elapsed)
    return datetime.fromtimestamp(at, tz=UTC) if at < budget.resets_at.timestamp() else None


@dataclass(frozen=True, slots=True)
class Filters:
    client_id: str = ""
    above: bool = False
    throttled: bool = False
    test_only: bool = False
    q: str = ""
    sort: str = "usage"
    descending: bool = True


def company_rows(filters: Filters, *, now: datetime | None = None) -> list[CompanyRow]:
    """Every active company matching the filters the database can apply, unsorted."""
    now = now or datetime.now(UTC)
    companies = MeteredCompany.objects.filter(active=True)
    if filters.client_id:
        companies = companies.filter(client_id=filters.client_id)
    if filters.test_only:
        companies = companies.filter(client_type=ClientType.TEST)
    if filters.q:
        companies = companies.filter(name__icontains=filters.q) | companies.filter(
            tenant_id__icontains=filters.q
        )
    companies = list(
        companies.values_list(
            "pk",
            "name",
            "client_id",
            "tenant_id",
            "company_id",
            "client_type",
            "hourly_limit",
            "background_reserve",
            "tenant_pk",
        )
    )
    limiter = get_limiter()
    states = limiter.states((c[2], c[3]) for c in companies)
    hour_ago = now - timedelta(hours=1)
    day_start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=23)
    last_hour = dict(
        CallLog.objects.filter(status=429, started_at__gte=hour_ago)
        .values_list("company_id")
        .annotate(n=Count("id"))
        .values_list("company_id", "n")
    )
    last_day = dict(
        HourlyUsage.objects.filter(hour__gte=day_start, rate_limited__gt=0)
        .values_list("company_id")
        .annotate(n=Sum("rate_limited"))
        .values_list("company_id", "n")
    )
    clock = limiter.now()
    rows = []
    for (
        pk,
        name,
        client_id,
        tenant_id,
        company_id,
        client_type,
        limit,
        reserve,
        tenant_pk,
    ) in companies:
        config = CompanyConfig(
            pk=pk,
            limit=limit,
            reserve=reserve if reserve is not None else conf.reserve_for(client_type),
            client_type=client_type,
        )
        budget = budget_state_of(states[(client_id, tenant_id)], config, clock)
        row = CompanyRow(
            pk=pk,
            name=name or tenant_id,
            client_id=client_id,
            tenant_id=tenant_id,
            company_id=company_id,
            client_type=client_type,
            tenant_pk=tenant_pk,
            budget=budget,
            throttled_hour=last_hour.get(pk, 0),
            throttled_day=max(last_day.get(pk, 0), last_hour.get(pk, 0)),
            runs_out_at=runs_out_at(budget, clock),
        )
        rows.append(row)
    return rows


def narrow(rows: list[CompanyRow], filters: Filters) -> list[CompanyRow]:
    """Apply the filters that need this hour's figures, then sort."""
    alert_share = conf.get("USAGE_ALERT_SHARE")
    if filters.above:
        rows = [row for row in rows if row.share >= alert_share]
    if filters.throttled:
        rows = [row for row in rows if row.throttled]
    return sorted(rows, key=SORTS.get(filters.sort, SORTS["usage"]), reverse=filters.descending)


def client_ids() -> list[str]:
    return list(
        MeteredCompany.objects.filter(active=True)
        .order_by("client_id")
        .values_list("client_id", flat=True)
        .distinct()
    )


def summary(rows: list[CompanyRow]) -> dict[str, int]:
    alert_share = conf.get("USAGE_ALERT_SHARE")
    return {
        "companies": len(rows),
        "above": sum(row.share >= alert_share for row in rows),
        "throttled": sum(row.throttled for row in rows),
        "blocked": sum(row.blocked for row in rows),
    }
