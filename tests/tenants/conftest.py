"""Fixtures for the tenants tests: the portal pointed at the test sandbox, demo clients and
tenants registered as the demo seeder does, and process state reset between tests."""

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
    """Each test gets its own token cache and a fresh repeat guard (the sandbox resets too)."""
    from tenants import erp

    isolate_caches(settings)
    yield
    erp.reset_process_state()


@pytest.fixture(autouse=True)
def _isolated_usage(settings):
    """usage's shared limiter keeps its windows in Redis in CI: each test gets its own keys."""
    from tests.usage.helpers import isolated_usage

    yield from isolated_usage(settings)


@pytest.fixture
def erp_settings(settings, sandbox):
    """The portal's ERP URLs point at the session's sandbox server."""
    point_at_sandbox(settings, sandbox)
    return sandbox


@pytest.fixture
def demo_clients(db):
    """The sandbox's two demo API clients, registered in the portal."""
    return register_demo_clients()


@pytest.fixture
def make_tenant(demo_clients):
    """make_tenant(scenario, client_type="production") -> a Tenant of the demo world."""

    def make(scenario: str, client_type: str = "production", **overrides):
        return onboard_demo(demo_clients, scenario, client_type, **overrides)

    return make
