"""The default hourly limits have one home, the settings (USAGE_LIMIT_TEST / _PRODUCTION): a
registered tenant's dashboard row, the limiter and the tenant page all follow a changed setting,
while an API client's own limit still wins."""

from __future__ import annotations

import pytest

from erpclient import LimitAction, LimitRequest, Priority
from tenants import services
from usage import registry
from usage.limiter import get_limiter
from usage.selectors import budget_state

pytestmark = pytest.mark.django_db


def _acquire(tenant) -> LimitAction:
    request = LimitRequest(
        client_id=tenant.api_client.client_id,
        tenant_id=tenant.tenant_id,
        company_id=None,
        priority=Priority.INTERACTIVE,
        method="GET",
        path_template="/controller/api/v1/supplierInvoice",
    )
    return get_limiter().acquire(request).action


def _dashboard_limit(client, tenant) -> int:
    response = client.get("/usage/")
    assert response.status_code == 200
    (row,) = [row for row in response.context["page"] if row.tenant_id == tenant.tenant_id]
    return row.budget.limit


def test_a_changed_default_limit_reaches_dashboard_limiter_and_tenant_page(
    make_tenant, settings, client_for, viewer
):
    tenant = make_tenant("healthy", "test")  # registered on the test client, no limit of its own
    settings.USAGE_HOURLY_LIMITS = {"test": 12, "production": 9_000}
    registry.forget()  # what a restarted process with the new setting starts with
    client = client_for(viewer)

    assert _dashboard_limit(client, tenant) == 12
    assert "12 calls an hour for a test client" in client.get("/usage/").content.decode()
    state = budget_state(client_id=tenant.api_client.client_id, tenant_id=tenant.tenant_id)
    assert state.limit == 12
    assert [_acquire(tenant) for _ in range(13)] == [LimitAction.GO] * 12 + [LimitAction.WAIT]
    page = client.get(f"/tenants/{tenant.pk}/").content.decode()
    assert "12 calls per hour" in page


def test_an_api_clients_own_limit_still_wins(make_tenant, settings, client_for, viewer, admin):
    tenant = make_tenant("healthy", "test")
    services.api_client_update(actor=admin, api_client=tenant.api_client, hourly_limit_override=7)
    settings.USAGE_HOURLY_LIMITS = {"test": 12, "production": 9_000}
    registry.forget()
    tenant.refresh_from_db()

    assert _dashboard_limit(client_for(viewer), tenant) == 7
    assert (
        budget_state(client_id=tenant.api_client.client_id, tenant_id=tenant.tenant_id).limit == 7
    )
    assert "7 calls per hour" in client_for(viewer).get(f"/tenants/{tenant.pk}/").content.decode()
