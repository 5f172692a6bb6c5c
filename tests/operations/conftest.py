"""Fixtures for the operations tests: the same world as the tenants tests (tests/conftest.py
has ``erp_settings``, ``demo_clients`` and ``portal_isolation``), with tenants made active."""

from __future__ import annotations

import pytest

from tests.tenants.helpers import onboard_demo


@pytest.fixture(autouse=True)
def _isolated(portal_isolation):
    yield


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
