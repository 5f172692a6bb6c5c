"""Reads of the tenants app: the list with its filters and counts, the issues inbox, a tenant's
page. Every query here is bounded: the list costs the same number of queries whatever the page
size."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import OrderBy

from portal.inputs import is_database_id

from .catalogue import IssueKind, Owner
from .models import (
    CHECKED_STATUSES,
    ApiClient,
    CheckRun,
    Customer,
    HealthIssue,
    IssueStatus,
    Tenant,
    TenantStatus,
)

# The one home of the tenants list's orders: the "Sort" select offers each of them, in this order,
# and the column headers produce only these ("key" one way, "-key" the other). Each order is its
# select label and its ORDER BY.
_LAST_CHECKED = F("last_checked_at")
SORT_ORDERS: dict[str, tuple[str, tuple[str | OrderBy, ...]]] = {
    "name": ("Name A to Z", ("name", "pk")),
    "-name": ("Name Z to A", ("-name", "-pk")),
    "problems": ("Most problems first", ("-open_issue_count", "name", "pk")),
    "-problems": ("Fewest problems first", ("open_issue_count", "name", "pk")),
    # Never checked counts as longest ago, on every database.
    "-checked": ("Checked most recently", (_LAST_CHECKED.desc(nulls_last=True), "name", "pk")),
    "checked": ("Checked longest ago", (_LAST_CHECKED.asc(nulls_first=True), "name", "pk")),
    "status": ("Status A to Z", ("status", "name", "pk")),
    "-status": ("Status Z to A", ("-status", "name", "pk")),
    "client": ("API client A to Z", ("api_client__name", "name", "pk")),
    "-client": ("API client Z to A", ("-api_client__name", "name", "pk")),
    "customer": ("Customer A to Z", ("customer__name", "name", "pk")),
    "-customer": ("Customer Z to A", ("-customer__name", "name", "pk")),
    "tenant_id": ("Tenant id A to Z", ("tenant_id", "pk")),
    "-tenant_id": ("Tenant id Z to A", ("-tenant_id", "-pk")),
    "created": ("Newest first", ("-created_at", "-pk")),
    "-created": ("Oldest first", ("created_at", "pk")),
}
SORT_CHOICES = [(key, label) for key, (label, _order) in SORT_ORDERS.items()]
DEFAULT_SORT = "name"


def ordering(sort: str) -> tuple[str | OrderBy, ...]:
    """The ORDER BY of a sort order; an unknown one sorts by name."""
    return SORT_ORDERS.get(sort, SORT_ORDERS[DEFAULT_SORT])[1]


@dataclass(frozen=True)
class TenantFilters:
    q: str = ""
    status: str = ""
    kind: str = ""
    owner: str = ""
    client: int | None = None
    customer: int | None = None
    sort: str = DEFAULT_SORT

    @property
    def active(self) -> bool:
        """True when a filter narrows the list (the sort and page size narrow nothing)."""
        return bool(
            self.q or self.status or self.kind or self.owner or self.client or self.customer
        )


def _current_issues() -> QuerySet[HealthIssue]:
    return HealthIssue.objects.filter(status__in=(IssueStatus.OPEN, IssueStatus.MUTED)).only(
        "pk", "tenant_id", "kind", "owner", "status", "last_seen_at"
    )


def tenant_list(filters: TenantFilters) -> QuerySet[Tenant]:
    tenants = Tenant.objects.select_related("api_client", "customer").only(
        "pk",
        "tenant_id",
        "name",
        "status",
        "company_id",
        "last_checked_at",
        "last_check_ok",
        "open_issue_count",
        "created_at",
        "api_client__id",
        "api_client__name",
        "api_client__client_type",
        "customer__id",
        "customer__name",
    )
    if filters.q:
        q = filters.q.strip()
        match = (
            Q(name__icontains=q)
            | Q(tenant_id__icontains=q.lower())
            | Q(customer__name__icontains=q)
            | Q(erp_company_name__icontains=q)
        )
        if is_database_id(q):
            match |= Q(company_id=int(q))
        tenants = tenants.filter(match)
    if filters.status:
        tenants = tenants.filter(status=filters.status)
    if filters.client:
        tenants = tenants.filter(api_client_id=filters.client)
    if filters.customer:
        tenants = tenants.filter(customer_id=filters.customer)
    if filters.kind or filters.owner:
        issues = HealthIssue.objects.filter(tenant=OuterRef("pk"), status=IssueStatus.OPEN)
        if filters.kind:
            issues = issues.filter(kind=filters.kind)
        if filters.owner:
            issues = issues.filter(owner=filters.owner)
        tenants = tenants.filter(Exists(issues))
    order = ordering(filters.sort)
    # Muted problems too, so a tenant whose only problem is muted says so (see split_issues).
    return tenants.order_by(*order).prefetch_related(
        Prefetch("issues", queryset=_current_issues(), to_attr="current_issues")
    )


def split_issues(tenants: Iterable[Tenant]) -> None:
    """Give each listed tenant its ``open_issues`` and ``muted_issues``, from the one read of
    ``tenant_list`` (two reads cost more than the split)."""
    for tenant in tenants:
        current = tenant.current_issues
        tenant.open_issues = [issue for issue in current if issue.status == IssueStatus.OPEN]
        tenant.muted_issues = [issue for issue in current if issue.status == IssueStatus.MUTED]


def status_counts() -> dict[str, int]:
    rows = Tenant.objects.values("status").annotate(n=Count("pk")).order_by()
    counts = {status: 0 for status in TenantStatus.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def _active_issues() -> QuerySet[HealthIssue]:
    return HealthIssue.objects.filter(tenant__status__in=CHECKED_STATUSES)


def kind_counts() -> list[dict[str, Any]]:
    """Open problems per kind, among tenants that are checked, most frequent first."""
    rows = (
        _active_issues()
        .filter(status=IssueStatus.OPEN)
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by("-n", "kind")
    )
    labels = dict(IssueKind.choices)
    return [
        {"kind": row["kind"], "label": labels.get(row["kind"], row["kind"]), "n": row["n"]}
        for row in rows
    ]


def owner_counts() -> list[dict[str, Any]]:
    rows = (
        _active_issues()
        .filter(status=IssueStatus.OPEN)
        .values("owner")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner")
    )
    labels = dict(Owner.choices)
    return [
        {"owner": row["owner"], "label": labels.get(row["owner"], row["owner"]), "n": row["n"]}
        for row in rows
    ]


def filter_choices() -> dict[str, Any]:
    return {
        "clients": list(ApiClient.objects.order_by("name").values_list("pk", "name")),
        "customers": list(Customer.objects.order_by("name").values_list("pk", "name")[:500]),
    }


def tenant_detail(pk: int) -> Tenant:
    return Tenant.objects.select_related("api_client", "customer").get(pk=pk)


def tenant_issues(tenant: Tenant) -> tuple[list[HealthIssue], list[HealthIssue]]:
    """(open and muted, resolved) issues of one tenant."""
    issues = list(tenant.issues.select_related("muted_by").order_by("status", "-last_seen_at"))
    current = [issue for issue in issues if issue.status != IssueStatus.RESOLVED]
    past = [issue for issue in issues if issue.status == IssueStatus.RESOLVED]
    return current, past


def tenant_checks(tenant: Tenant, limit: int = 20) -> list[CheckRun]:
    return list(tenant.checks.select_related("actor").order_by("-started_at", "-pk")[:limit])


@dataclass(frozen=True)
class IssueFilters:
    status: str = IssueStatus.OPEN
    kind: str = ""
    owner: str = ""
    q: str = ""


def issue_inbox(filters: IssueFilters) -> QuerySet[HealthIssue]:
    """Issues across tenants that are checked, grouped (ordered) by kind and owner."""
    issues = _active_issues().select_related("tenant", "tenant__api_client", "muted_by")
    if filters.status:
        issues = issues.filter(status=filters.status)
    else:
        issues = issues.exclude(status=IssueStatus.RESOLVED)
    if filters.kind:
        issues = issues.filter(kind=filters.kind)
    if filters.owner:
        issues = issues.filter(owner=filters.owner)
    if filters.q:
        q = filters.q.strip()
        issues = issues.filter(Q(tenant__name__icontains=q) | Q(tenant__tenant_id__icontains=q))
    return issues.order_by("kind", "owner", "-last_seen_at", "pk")


def tenants_for_recheck(*, issue_pks: list[int]) -> list[int]:
    """The checked tenants behind the chosen issues (each once)."""
    rows = _active_issues().filter(pk__in=issue_pks).values_list("tenant_id", flat=True).distinct()
    return sorted(set(rows))


def dashboard_summary() -> dict[str, Any]:
    """The dashboard's tenant figures: ``watched`` tenants (onboarding or active, the ones the
    sweep checks), how many of them a check has ever reached (``checked``) and how many have an
    open problem (``with_problems``)."""
    counts = status_counts()
    watched = Tenant.objects.filter(status__in=CHECKED_STATUSES).aggregate(
        checked=Count("pk", filter=Q(last_checked_at__isnull=False)),
        with_problems=Count("pk", filter=Q(open_issue_count__gt=0)),
    )
    return {
        "counts": counts,
        "watched": counts[TenantStatus.ONBOARDING] + counts[TenantStatus.ACTIVE],
        "checked": watched["checked"],
        "with_problems": watched["with_problems"],
        "kinds": kind_counts()[:5],
    }
