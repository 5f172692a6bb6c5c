"""Fixtures for the erpclient integration tests: clients for the sandbox's demo tenants."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from erpclient import ErpClient, InMemoryRecorder

DEMO_TEST_CLIENT = "isv_demo_test"


def demo_client(client_id: str = DEMO_TEST_CLIENT) -> dict[str, Any]:
    from erpsim.world import DEMO_CLIENTS

    return next(client for client in DEMO_CLIENTS if client["client_id"] == client_id)


def demo_tenant(scenario: str) -> dict[str, Any]:
    from erpsim.world import DEMO_TENANTS

    return next(tenant for tenant in DEMO_TENANTS if tenant["scenario"] == scenario)


@pytest.fixture
def advance_sandbox_clock(sandbox) -> Callable[[float], None]:
    """A ``sleep`` for the client that moves the sandbox's clock instead of waiting for real;
    the sandbox runs background work that falls due before it answers."""

    def advance(seconds: float) -> None:
        sandbox.control("POST", "/_sandbox/clock", {"advance_seconds": round(seconds, 3)})

    return advance


@pytest.fixture
def erp(sandbox, advance_sandbox_clock) -> Iterator[Callable[..., ErpClient]]:
    """Build sandbox clients: ``erp("healthy")``, ``erp("no_license", client_secret="x")``."""
    made: list[ErpClient] = []

    def make(scenario: str = "healthy", **kwargs: Any) -> ErpClient:
        client = demo_client(kwargs.pop("client_id", DEMO_TEST_CLIENT))
        kwargs.setdefault("client_secret", client["client_secret"])
        kwargs.setdefault("recorder", InMemoryRecorder())
        kwargs.setdefault("sleep", advance_sandbox_clock)
        erp_client = ErpClient.sandbox(
            sandbox.url,
            client_id=client["client_id"],
            tenant_id=kwargs.pop("tenant_id", demo_tenant(scenario)["tenant_id"]),
            **kwargs,
        )
        made.append(erp_client)
        return erp_client

    yield make
    for erp_client in made:
        erp_client.close()


def sandbox_requests(sandbox, **filters: str) -> list[dict[str, Any]]:
    """What the sandbox received, as its request log shows it."""
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return sandbox.control("GET", "/_sandbox/requests" + (f"?{query}" if query else ""))
