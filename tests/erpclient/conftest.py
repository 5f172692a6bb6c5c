"""Helpers for the erpclient integration tests: the sandbox's demo clients and tenants (the
``erp`` and ``advance_sandbox_clock`` fixtures are in tests/conftest.py)."""

from __future__ import annotations

from typing import Any

DEMO_TEST_CLIENT = "isv_demo_test"


def demo_client(client_id: str = DEMO_TEST_CLIENT) -> dict[str, Any]:
    from erpsim.world import DEMO_CLIENTS

    return next(client for client in DEMO_CLIENTS if client["client_id"] == client_id)


def demo_tenant(scenario: str) -> dict[str, Any]:
    from erpsim.world import DEMO_TENANTS

    return next(tenant for tenant in DEMO_TENANTS if tenant["scenario"] == scenario)


def sandbox_requests(sandbox, **filters: str) -> list[dict[str, Any]]:
    """What the sandbox received, as its request log shows it."""
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return sandbox.control("GET", "/_sandbox/requests" + (f"?{query}" if query else ""))
