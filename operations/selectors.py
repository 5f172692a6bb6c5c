"""Reads of the operations index."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tenants.models import Tenant, TenantStatus

from .access import with_unresolved_issues


def operable_tenants(query: str = "") -> QuerySet[Tenant]:
    """Tenants staff may pick (everyone not offboarded), with what readiness needs, by name."""
    tenants = Tenant.objects.exclude(status=TenantStatus.OFFBOARDED)
    query = query.strip()
    if query:
        tenants = tenants.filter(
            Q(name__icontains=query)
            | Q(erp_company_name__icontains=query)
            | Q(tenant_id__icontains=query.lower())
            | Q(customer__name__icontains=query)
        )
    return with_unresolved_issues(tenants.order_by("name", "erp_company_name", "pk"))
