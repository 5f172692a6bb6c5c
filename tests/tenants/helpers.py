"""Plain helpers behind the tenants fixtures, so the browser tests can build the same world."""

from __future__ import annotations

import uuid

from erpsim.world import DEMO_TENANTS


def isolate_caches(settings) -> None:
    """A token cache of the test's own, and no repeat-guard history from earlier tests."""
    from tenants import erp

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"tenants-tests-{uuid.uuid4()}",
        }
    }
    erp.reset_process_state()


def point_at_sandbox(settings, sandbox) -> None:
    settings.SANDBOX_URL = sandbox.url
    settings.VISMA_CONNECT_URL = sandbox.url
    settings.ERP_API_URL = sandbox.url
    settings.SALESORDER_API_URL = sandbox.url


def demo_spec(scenario: str) -> dict:
    return next(spec for spec in DEMO_TENANTS if spec["scenario"] == scenario)


def register_demo_clients() -> dict:
    """The sandbox's two demo API clients, registered in the portal as the seeder does, by type."""
    from tenants.demo import demo_clients

    clients, _ = demo_clients()
    return {client.client_type: client for client in clients.values()}


def onboard_demo(clients: dict, scenario: str, client_type: str = "production", **overrides):
    """The demo world's tenant of ``scenario``, registered on the demo client of that type."""
    from tenants import services
    from tenants.models import Customer

    spec = demo_spec(scenario)
    customer = Customer.objects.filter(name=spec["customer_name"]).first()
    return services.tenant_onboard(
        actor=None,
        tenant_id=overrides.get("tenant_id", spec["tenant_id"]),
        name=overrides.get("name", spec["name"]),
        api_client=clients[client_type],
        customer=customer,
        new_customer=None if customer else {"name": spec["customer_name"]},
    )


def make_issue(tenant, kind: str = "no_license", owner: str = "customer_admin"):
    """An open issue of ``tenant`` with placeholder texts, seen when the tenant was created."""
    from tenants.models import HealthIssue

    return HealthIssue.objects.create(
        tenant=tenant,
        kind=kind,
        owner=owner,
        title="t",
        remediation="r",
        customer_message="m",
        first_seen_at=tenant.created_at,
        last_seen_at=tenant.created_at,
    )
