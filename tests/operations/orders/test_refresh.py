"""An ERP event about a customer or an order makes the form's next lookup ask the ERP again."""

from __future__ import annotations

import pytest

from operations.orders import erp_lookups
from operations.refresh import Kind, refreshers_for

pytestmark = pytest.mark.django_db


def _calls(sandbox, path):
    return sum(
        1 for e in sandbox.control("GET", "/_sandbox/requests?limit=5000") if e["path"] == path
    )


def test_a_customer_event_drops_the_cached_locations(tenant, sandbox):
    path = "/api/v3/Customers/10002/locations"
    erp_lookups.locations(tenant, "10002")
    erp_lookups.locations(tenant, "10002")
    assert _calls(sandbox, path) == 1

    for refresh in refreshers_for(Kind.CUSTOMER):
        refresh(tenant, "10002")
    erp_lookups.locations(tenant, "10002")

    assert _calls(sandbox, path) == 2


def test_an_order_event_drops_the_cached_order_types(tenant, sandbox):
    erp_lookups.order_types(tenant)
    for refresh in refreshers_for(Kind.SALES_ORDER):
        refresh(tenant, "SO/WEB-000001")
    erp_lookups.order_types(tenant)

    assert _calls(sandbox, "/v1/salesordertype") == 2
