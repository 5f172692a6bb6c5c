"""Fixtures for the tenants tests: the portal pointed at the test sandbox (``erp_settings``),
the demo clients (``demo_clients``) and tenants registered as the demo seeder does, and process
state kept apart between tests (``portal_isolation``, in tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.tenants.helpers import onboard_demo


@pytest.fixture(autouse=True)
def _isolated(portal_isolation):
    yield


@pytest.fixture
def make_tenant(demo_clients):
    """make_tenant(scenario, client_type="production") -> a Tenant of the demo world."""

    def make(scenario: str, client_type: str = "production", **overrides):
        return onboard_demo(demo_clients, scenario, client_type, **overrides)

    return make
