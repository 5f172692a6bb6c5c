"""Which tenants staff may act on, and the words that say why not."""

from __future__ import annotations

import pytest

from operations.access import Capability, readiness, with_unresolved_issues
from tenants.models import Tenant
from tests.tenants.helpers import make_issue

pytestmark = pytest.mark.django_db


def test_an_active_tenant_without_problems_is_ready_for_both(make_tenant):
    tenant = make_tenant("healthy")
    assert readiness(tenant, Capability.SALES_ORDERS).ready
    assert readiness(tenant, Capability.FINANCIALS).ready


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("onboarding", "Still onboarding"),
        ("suspended", "Suspended"),
        ("offboarded", "Offboarded"),
    ],
)
def test_a_tenant_that_is_not_active_says_why(make_tenant, status, words):
    tenant = make_tenant("healthy", status=status)
    result = readiness(tenant, Capability.SALES_ORDERS)
    assert not result.ready and words in result.reason


def test_a_missing_salesorders_scope_stops_orders_but_not_supplier_documents(make_tenant):
    tenant = make_tenant("salesorder_scope_missing")
    make_issue(tenant, "salesorder_scope_missing", "isv")
    orders = readiness(tenant, Capability.SALES_ORDERS)
    assert not orders.ready
    assert "SalesOrders scopes" in orders.reason and "must act" in orders.reason
    assert orders.blocking_issue is not None
    assert readiness(tenant, Capability.FINANCIALS).ready


def test_a_muted_licence_problem_still_stops_both(make_tenant):
    tenant = make_tenant("no_license")
    issue = make_issue(tenant, "no_license")
    issue.status = "muted"
    issue.save(update_fields=["status"])
    for capability in Capability:
        assert not readiness(tenant, capability).ready


def test_throttling_does_not_stop_staff(make_tenant):
    tenant = make_tenant("near_limit")
    make_issue(tenant, "near_limit", "isv")
    make_issue(tenant, "rate_limited", "isv")
    assert readiness(tenant, Capability.SALES_ORDERS).ready


def test_the_prefetched_list_reads_the_same_in_one_query_for_all(
    make_tenant, django_assert_num_queries
):
    blocked = make_tenant("no_license")
    make_issue(blocked, "no_license")
    make_tenant("healthy")
    with django_assert_num_queries(2):
        tenants = list(with_unresolved_issues(Tenant.objects.order_by("pk")))
        verdicts = [readiness(tenant, Capability.FINANCIALS).ready for tenant in tenants]
    assert verdicts == [False, True]
