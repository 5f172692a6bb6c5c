"""What the sales order views share: the tenant from the URL, who may act, an ERP error in words."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from erpclient import errors
from errorguide import explain
from portal.erp_errors import shown
from portal.roles import OPERATE
from tenants.links import error_links
from tenants.models import Tenant

from ..access import with_unresolved_issues


def tenant_or_404(pk: int) -> Tenant:
    return get_object_or_404(with_unresolved_issues(Tenant.objects.all()), pk=pk)


def can_operate(request) -> bool:
    return request.user.has_perm(OPERATE)


def erp_reading(tenant: Tenant, error: errors.ErpError):
    return shown(explain(error, company=tenant.display_name), error_links(tenant))
