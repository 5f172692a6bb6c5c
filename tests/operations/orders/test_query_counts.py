"""The order form's lookups, which an operator's typing calls again and again, cost a fixed
number of queries once the ERP's list is cached (issue 14)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Session, user, permissions (2), the role and status.visma.com's open incidents (every page's),
# the tenant and its unresolved issues.
LOOKUP = 8


@pytest.mark.parametrize(
    ("name", "query", "found"),
    [
        ("operations:order_customers", {"customer_id": "Berg"}, "Bergen Sportsbutikk AS"),
        ("operations:order_items", {"lines-0-inventory_id": "STOCK"}, "STOCKITEM1"),
    ],
    ids=["customers", "items"],
)
def test_a_lookup_costs_a_fixed_number_of_queries(
    name, query, found, client_for, operator, tenant, django_assert_max_num_queries
):
    client = client_for(operator)
    url = reverse(name, args=[tenant.pk])
    first = client.get(url, query, HTTP_HX_REQUEST="true")  # fetches the ERP's list
    assert found in first.content.decode()
    with django_assert_max_num_queries(LOOKUP):
        again = client.get(url, query, HTTP_HX_REQUEST="true")
    assert found in again.content.decode()
