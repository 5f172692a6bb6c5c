"""The portal's URLs for the links of the ERP error guide, for one tenant."""

from __future__ import annotations

from django.urls import reverse

from errorguide.catalogue import Link
from usage.selectors import company_for

from .models import Tenant

STATUS_PAGE_URL = "https://status.visma.com/"


def error_links(tenant: Tenant | None) -> dict[Link, str]:
    links = {Link.STATUS_PAGE: STATUS_PAGE_URL}
    if tenant is None:
        return links
    detail = reverse("tenants:detail", args=[tenant.pk])
    metered = company_for(client_id=tenant.api_client.client_id, tenant_id=tenant.tenant_id)
    links.update(
        {
            Link.TENANT_PAGE: detail,
            Link.TENANT_ISSUE: f"{detail}#issues-title",
            Link.USAGE_PAGE: reverse("usage:company", args=[metered.pk])
            if metered
            else reverse("usage:dashboard"),
        }
    )
    return links
