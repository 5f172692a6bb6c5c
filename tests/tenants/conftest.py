"""Fixtures for the tenants tests: the portal pointed at the test sandbox, demo clients and
tenants registered as the demo seeder does, and process state reset between tests."""

from __future__ import annotations

import uuid

import pytest

from erpsim.world import DEMO_CLIENTS, DEMO_TENANTS


@pytest.fixture(autouse=True)
def _isolated_state(settings):
    """Each test gets its own token cache and a fresh repeat guard (the sandbox resets too)."""
    from tenants import erp

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"tenants-tests-{uuid.uuid4()}",
        }
    }
    erp.reset_process_state()
    yield
    erp.reset_process_state()


@pytest.fixture
def erp_settings(settings, sandbox):
    """The portal's ERP URLs point at the session's sandbox server."""
    settings.SANDBOX_URL = sandbox.url
    settings.VISMA_CONNECT_URL = sandbox.url
    settings.ERP_API_URL = sandbox.url
    settings.SALESORDER_API_URL = sandbox.url
    return sandbox


def demo_spec(scenario: str) -> dict:
    return next(spec for spec in DEMO_TENANTS if spec["scenario"] == scenario)


@pytest.fixture
def demo_clients(db):
    """The sandbox's two demo API clients, registered in the portal."""
    from tenants import services
    from tenants.models import Environment

    clients = {}
    for spec in DEMO_CLIENTS:
        clients[spec["type"]] = services.api_client_create(
            actor=None,
            name=spec["name"],
            client_id=spec["client_id"],
            client_secret=spec["client_secret"],
            client_type=spec["type"],
            scopes=list(spec["scopes"]),
            environment=Environment.SANDBOX,
        )
    return clients


@pytest.fixture
def make_tenant(demo_clients):
    """make_tenant(scenario, client_type="production") -> a Tenant of the demo world."""
    from tenants import services
    from tenants.models import Customer

    def make(scenario: str, client_type: str = "production", **overrides):
        spec = demo_spec(scenario)
        customer = Customer.objects.filter(name=spec["customer_name"]).first()
        new_customer = None if customer else {"name": spec["customer_name"]}
        return services.tenant_onboard(
            actor=None,
            tenant_id=overrides.get("tenant_id", spec["tenant_id"]),
            name=overrides.get("name", spec["name"]),
            api_client=demo_clients[client_type],
            customer=customer,
            new_customer=new_customer,
        )

    return make
