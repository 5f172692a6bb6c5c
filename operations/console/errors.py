"""The error guide's reading of an ERP error at the console, with the tenant's names filled in."""

from __future__ import annotations

from django.conf import settings

from erpclient import ErpError
from errorguide import Reading, explain
from tenants.models import Tenant


def reading_of(error: ErpError, tenant: Tenant) -> Reading:
    return explain(
        error,
        company=tenant.erp_company_name or tenant.name,
        isv=settings.TENANTS_ISV_NAME,
    )
