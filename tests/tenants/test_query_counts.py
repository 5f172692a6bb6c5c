"""The staff pages of the tenants app cost a fixed number of queries whatever the number of
tenants (issue 14: 2,000 tenants, 50 staff): the same count with 5 tenants as with 50, and at
most the count pinned here."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.page_queries import BUDGET_WINDOWS, EVERY_PAGE
from tests.tenants.crowd import add_tenants

pytestmark = pytest.mark.django_db

PAGES = {
    # + clients, customers, the count, statuses, problem kinds, owners, the page, its open and
    # muted problems
    "/tenants/": EVERY_PAGE + 8,
    "/tenants/?status=active": EVERY_PAGE + 8,
    "/tenants/?q=Crowd+Company+0": EVERY_PAGE + 8,
    "/tenants/?status=active&per_page=100": EVERY_PAGE + 8,
    "/tenants/?kind=no_license": EVERY_PAGE + 8,
    "/tenants/?sort=problems&page=2&per_page=25": EVERY_PAGE + 8,
    # + the count, problem kinds, owners, the page
    "/tenants/issues/": EVERY_PAGE + 4,
    "/tenants/issues/?status=": EVERY_PAGE + 4,
    # + the panels: tenant counts (2), problem kinds, the demo tenants left to onboard; usage's
    # companies and 429s (2), and their budget windows where the database keeps them; webhooks'
    # silence alarms
    "/": EVERY_PAGE + 8 + BUDGET_WINDOWS,
}


def _count(client, path: str, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return len(queries)


@pytest.mark.parametrize("path", list(PAGES))
def test_a_page_costs_the_same_queries_for_5_and_50_tenants(
    path, client_for, viewer, demo_clients, django_assert_max_num_queries
):
    from usage import snapshots

    client = client_for(viewer)
    add_tenants(demo_clients, 5)
    snapshots.forget()  # the home dashboard's usage panel reads its companies afresh
    few = _count(client, path)
    add_tenants(demo_clients, 45, start=5)
    snapshots.forget()
    with django_assert_max_num_queries(PAGES[path]):
        many = _count(client, path)
    assert many == few


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_the_tenants_list_filtered_by_htmx_costs_the_same(client_for, viewer, demo_clients, htmx):
    client = client_for(viewer)
    headers = {"HX-Request": "true"} if htmx else {}
    add_tenants(demo_clients, 5)
    few = _count(client, "/tenants/?status=active", **headers)
    add_tenants(demo_clients, 45, start=5)
    assert _count(client, "/tenants/?status=active", **headers) == few


def test_a_tenant_page_costs_the_same_among_5_or_50_tenants(
    client_for, viewer, demo_clients, django_assert_max_num_queries
):
    client = client_for(viewer)
    (tenant, *_) = add_tenants(demo_clients, 5)
    path = f"/tenants/{tenant.pk}/"
    few = _count(client, path)
    add_tenants(demo_clients, 45, start=5)
    # + the tenant, its issues, its checks, its usage company, and its unresolved issues for
    # operations' readiness (settings.TENANTS_PAGE_CONTEXT)
    with django_assert_max_num_queries(EVERY_PAGE + 5):
        assert _count(client, path) == few
