"""Fixtures for the operations tests: the portal pointed at the test sandbox, with the demo
clients and tenants registered as the demo seeder does (the tenants tests' own helpers)."""

from __future__ import annotations

import pytest

from tests.tenants.helpers import (
    isolate_caches,
    onboard_demo,
    point_at_sandbox,
    register_demo_clients,
)


@pytest.fixture(autouse=True)
def _isolated_state(settings):
    from tenants import erp

    isolate_caches(settings)
    yield
    erp.reset_process_state()


@pytest.fixture(autouse=True)
def _isolated_usage(settings):
    from tests.usage.helpers import isolated_usage

    yield from isolated_usage(settings)


@pytest.fixture
def erp_settings(settings, sandbox):
    point_at_sandbox(settings, sandbox)
    return sandbox


@pytest.fixture
def demo_clients(db):
    return register_demo_clients()


@pytest.fixture
def make_tenant(demo_clients):
    """make_tenant(scenario, status="active") -> a Tenant of the demo world."""

    def make(scenario: str, client_type: str = "production", status: str = "active", **overrides):
        tenant = onboard_demo(demo_clients, scenario, client_type, **overrides)
        if status != tenant.status:
            tenant.status = status
            tenant.save(update_fields=["status"])
        return tenant

    return make
