"""An ERP event about a customer or an item makes the form's next lookup ask the ERP again."""

from __future__ import annotations

import pytest

from operations.orders import erp_lookups
from operations.refresh import Kind, refreshers_for

pytestmark = pytest.mark.django_db


def _customer_calls(sandbox):
    return sum(
        1
        for e in sandbox.control("GET", "/_sandbox/requests?limit=5000")
        if e["path"] == "/api/v3/Customers"
    )


def test_a_customer_event_drops_the_cached_customers(tenant, sandbox):
    erp_lookups.customers(tenant, "Bergen")
    erp_lookups.customers(tenant, "Bergen")
    assert _customer_calls(sandbox) == 1

    for refresh in refreshers_for(Kind.CUSTOMER):
        refresh(tenant, "10000")
    erp_lookups.customers(tenant, "Bergen")

    assert _customer_calls(sandbox) == 2


def test_every_kind_the_order_pages_read_has_a_refresher():
    names = {
        f.__name__
        for kind in (Kind.SALES_ORDER, Kind.CUSTOMER, Kind.INVENTORY_ITEM)
        for f in refreshers_for(kind)
    }
    assert {"sales_order_changed", "customer_changed", "item_changed"} <= names
