"""The usage dashboard's rows: every metered company, where it stands this hour, filtered and
sorted. A fixed number of queries whatever the number of companies (companies, budget windows,
the last hour's 429s, the last day's 429s); filtering and sorting happen in Python over figures
already in memory, then one page is rendered."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Count, Sum

from . import conf, rules
from .budget import BudgetState, budget_state_of
from .limiter import get_limiter
from .models import CallLog, ClientType, HourlyUsage, MeteredCompany
from .registry import CompanyConfig
from .rules import WindowState

SORTS = {
    "name": lambda row: (row.name.lower(), row.client_id),
    "usage": lambda row: (row.share, row.used),
    "remaining": lambda row: (row.remaining, row.name.lower()),
    "throttled_hour": lambda row: (row.throttled_hour, row.throttled_day),
    "throttled_day": lambda row: (row.throttled_day, row.throttled_hour),
    # Companies that will not run out this hour sort after every one that will.
    "runs_out": lambda row: (row.runs_out is None, row.runs_out or 0.0),
    "client_type": lambda row: (row.client_type, row.name.lower()),
}


Figures = tuple  # (window_end, used, erp_limit, erp_remaining, blocked_until), as stored


class CompanyRow:
    """One company's line, with the figures sorting and filtering need computed once; the full
    ``BudgetState`` (with its sentence) is built only for the rows a page shows."""

    __slots__ = (
        "_budget",
        "_config",
        "_figures",
        "_now",
        "blocked",
        "client_id",
        "client_type",
        "company_id",
        "erp_remaining",
        "limit",
        "name",
        "pk",
        "remaining",
        "reserve",
        "runs_out",
        "share",
        "tenant_id",
        "tenant_pk",
        "throttled_day",
        "throttled_hour",
        "used",
        "window_end",
    )

    def __init__(
        self,
        company: tuple,
        figures: Figures,
        now: float,
        throttled: tuple[int, int],
        defaults: tuple[int, float],
    ):
        """``defaults``: the (hourly limit, reserve) of the company's client type."""
        pk, name, client_id, tenant_id, company_id, client_type, own_limit, reserve, tenant_pk = (
            company
        )
        limit = own_limit or defaults[0]
        self.pk, self.client_id, self.tenant_id = pk, client_id, tenant_id
        self.name = name or tenant_id
        self.company_id, self.client_type, self.tenant_pk = company_id, client_type, tenant_pk
        self.reserve = reserve if reserve is not None else defaults[1]
        self._config = CompanyConfig(pk, limit, self.reserve, client_type)
        window_end, used, erp_limit, erp_remaining, blocked_until = figures
        if window_end is None:
            window_end, used, erp_remaining = rules.clock_hour_end(now), 0, None
        elif now >= window_end:  # a new window: nothing used in it yet
            window_end, used, erp_remaining = rules.roll_forward(window_end, now), 0, None
        self._figures = (window_end, used, erp_limit, erp_remaining, blocked_until)
        self._now = now
        self._budget: BudgetState | None = None
        self.window_end = window_end
        self.used = used or 0
        self.limit = erp_limit if erp_limit is not None else limit
        self.erp_remaining = erp_remaining
        self.share = self.used / self.limit if self.limit else 0.0
        ours = max(self.limit - self.used, 0)
        self.remaining = min(ours, erp_remaining) if erp_remaining is not None else ours
        self.blocked = blocked_until is not None and blocked_until > now
        self.throttled_hour, self.throttled_day = throttled
        self.runs_out = _runs_out(self.used, self.remaining, window_end, now)

    @property
    def budget(self) -> BudgetState:
        if self._budget is None:
            window_end, used, erp_limit, erp_remaining, blocked_until = self._figures
            state = WindowState(
                window_end=window_end,
                used=used or 0,
                erp_limit=erp_limit,
                erp_remaining=erp_remaining,
                blocked_until=blocked_until,
            )
            self._budget = budget_state_of(state, self._config, self._now)
        return self._budget

    @property
    def runs_out_at(self) -> datetime | None:
        return datetime.fromtimestamp(self.runs_out, tz=UTC) if self.runs_out else None

    @property
    def percent(self) -> int:
        return round(self.share * 100)

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


def _runs_out(used: int, remaining: int, window_end: float, now: float) -> float | None:
    """When this hour's budget runs out at the rate of the hour so far (None: not this hour)."""
    if used <= 0:
        return None
    if remaining <= 0:
        return now
    elapsed = max(now - (window_end - rules.WINDOW_SECONDS), 60.0)  # a minute in, at least
    at = now + remaining / (used / elapsed)
    return at if at < window_end else None


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
            "hourly_limit_override",
            "background_reserve",
            "tenant_pk",
        )
    )
    limiter = get_limiter()
    figures = limiter.window_figures(
        [(c[2], c[3]) for c in companies], client_id=filters.client_id or None
    )
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
    empty = (None, 0, None, None, None)
    # Read once per client type, not once per company.
    defaults = {
        client_type: (conf.hourly_limit_for(client_type), conf.reserve_for(client_type))
        for client_type in {company[5] for company in companies}
    }
    return [
        CompanyRow(
            company,
            figures.get((company[2], company[3]), empty),
            clock,
            (
                last_hour.get(company[0], 0),
                max(last_day.get(company[0], 0), last_hour.get(company[0], 0)),
            ),
            defaults[company[5]],
        )
        for company in companies
    ]


def narrow(rows: list[CompanyRow], filters: Filters) -> list[CompanyRow]:
    """Apply the filters that need this hour's figures, then sort."""
    alert_share = conf.get("USAGE_ALERT_SHARE")
    if filters.above:
        rows = [row for row in rows if row.share >= alert_share]
    if filters.throttled:
        rows = [row for row in rows if row.throttled]
    return sorted(rows, key=SORTS.get(filters.sort, SORTS["usage"]), reverse=filters.descending)


def busiest(rows: list[CompanyRow], count: int) -> list[CompanyRow]:
    """The first ``count`` rows of the "usage" sort, biggest first, without sorting them all."""
    return heapq.nlargest(count, rows, key=SORTS["usage"])


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
