"""Which tenants staff may act on, and in words why not: the one home of that rule.

A tenant is ready for an operation when it is active (a check has passed every step) and has no
open or muted problem that stops that part of the ERP: a refused token stops everything, a
missing SalesOrders scope stops sales orders, fault 12027 stops both services. Throttling and
outages do not block: the budget limiter and the ERP's own answers speak for those at the time.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from tenants.catalogue import CATALOGUE, IssueKind
from tenants.models import HealthIssue, IssueStatus, Tenant, TenantStatus


class Capability(enum.StrEnum):
    SALES_ORDERS = "sales_orders"
    FINANCIALS = "financials"

    @property
    def label(self) -> str:
        return {"sales_orders": "sales orders", "financials": "supplier documents"}[self.value]


_ANY_ERP_CALL = {
    IssueKind.INVALID_CLIENT,
    IssueKind.APP_NOT_APPROVED,
    IssueKind.API_USER_ROLE_MISSING,
    IssueKind.INVALID_TENANT,
    IssueKind.CUSTOMER_TENANT_ID,
    IssueKind.NO_LICENSE,
    IssueKind.COMPANY_CONTEXT,
}
BLOCKING_KINDS: dict[Capability, frozenset[IssueKind]] = {
    Capability.SALES_ORDERS: frozenset({*_ANY_ERP_CALL, IssueKind.SALESORDER_SCOPE_MISSING}),
    Capability.FINANCIALS: frozenset({*_ANY_ERP_CALL, IssueKind.FINANCIALS_SCOPE_MISSING}),
}
_UNRESOLVED = (IssueStatus.OPEN, IssueStatus.MUTED)


@dataclass(frozen=True, slots=True)
class Readiness:
    tenant: Tenant
    capability: Capability
    reason: str = ""
    blocking_issue: HealthIssue | None = None

    @property
    def ready(self) -> bool:
        return not self.reason


def with_unresolved_issues(tenants: QuerySet[Tenant]) -> QuerySet[Tenant]:
    """``tenants`` with ``unresolved_issues`` prefetched: what ``readiness`` reads."""
    issues = HealthIssue.objects.filter(status__in=_UNRESOLVED).order_by("first_seen_at", "pk")
    return tenants.select_related("api_client", "customer").prefetch_related(
        Prefetch("issues", queryset=issues, to_attr="unresolved_issues")
    )


def _status_reason(tenant: Tenant) -> str:
    if tenant.status == TenantStatus.ONBOARDING:
        return "Still onboarding: ERP actions open once a check of this tenant passes every step."
    if tenant.status == TenantStatus.SUSPENDED:
        return "Suspended: checks and ERP actions are paused until it is reactivated."
    if tenant.status == TenantStatus.OFFBOARDED:
        return "Offboarded: the portal no longer acts for this company."
    return ""


def readiness(tenant: Tenant, capability: Capability) -> Readiness:
    """Whether staff may act on ``tenant`` for ``capability``, and if not, why."""
    reason = _status_reason(tenant)
    if reason:
        return Readiness(tenant, capability, reason)
    issues = getattr(tenant, "unresolved_issues", None)
    if issues is None:
        issues = list(tenant.issues.filter(status__in=_UNRESOLVED).order_by("first_seen_at"))
    for issue in issues:
        if issue.kind in BLOCKING_KINDS[capability]:
            problem = CATALOGUE[IssueKind(issue.kind)]
            return Readiness(
                tenant,
                capability,
                f"{problem.title}. {problem.owner.label} must act; the tenant's issue says what "
                "to do.",
                issue,
            )
    return Readiness(tenant, capability)


def readiness_of(tenants: Iterable[Tenant], capability: Capability) -> list[Readiness]:
    return [readiness(tenant, capability) for tenant in tenants]


def tenant_page_context(tenant: Tenant) -> dict:
    """What the tenant's page says of operations (settings.TENANTS_PAGE_CONTEXT): the parts that
    do not open now (``operations_closed``, by capability), and why in plain sentences, one per
    reason (``operations_closed_reasons``: the parts' label and the reason)."""
    if getattr(tenant, "unresolved_issues", None) is None and tenant.status == TenantStatus.ACTIVE:
        tenant.unresolved_issues = list(
            tenant.issues.filter(status__in=_UNRESOLVED).order_by("first_seen_at", "pk")
        )
    closed = {
        capability.value: ready
        for capability in Capability
        if not (ready := readiness(tenant, capability)).ready
    }
    reasons: dict[str, list[str]] = {}
    for ready in closed.values():
        reasons.setdefault(ready.reason, []).append(ready.capability.label)
    return {
        "operations_closed": closed,
        "operations_closed_reasons": [
            (" and ".join(labels).capitalize(), reason) for reason, labels in reasons.items()
        ],
    }
