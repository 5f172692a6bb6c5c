"""The orders tests: a healthy tenant of the demo world on the sandbox, and what the sandbox saw."""

from __future__ import annotations

import pytest


@pytest.fixture
def tenant(erp_settings, make_tenant):
    return make_tenant("healthy")


@pytest.fixture
def posted_orders(sandbox):
    """posted_orders() -> the create requests the sandbox received, oldest first."""

    def read():
        return [
            entry
            for entry in sandbox.control("GET", "/_sandbox/requests?limit=5000")
            if entry["method"] == "POST" and entry["path"].lower() == "/api/v3/salesorders"
        ]

    return read


@pytest.fixture
def erp_orders(sandbox):
    """erp_orders(tenant) -> the ids of the orders the company has in the sandbox, newest first."""
    from erpclient import ErpClient

    def read(tenant, order_type="SO"):
        client_row = tenant.api_client
        with ErpClient.sandbox(
            sandbox.url,
            client_id=client_row.client_id,
            client_secret=client_row.client_secret.reveal(),
            tenant_id=tenant.tenant_id,
        ) as client:
            page = client.sales_orders.page(type=order_type, order_by="created desc", page_size=5)
            return [order.order_id for order in page.items]

    return read
