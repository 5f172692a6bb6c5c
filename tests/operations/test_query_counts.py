"""The operations pages staff keep open cost a fixed number of queries whatever the number of
tenants (issue 14): the index, a job's page and its htmx poll, the same with 5 tenants as with 50,
and at most the count pinned here."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.staff_world import seed_jobs
from tests.page_queries import EVERY_PAGE
from tests.tenants.crowd import add_tenants

pytestmark = pytest.mark.django_db


def _count(client, path: str, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return len(queries)


@pytest.mark.parametrize("path", ["/operations/", "/operations/?q=Crowd", "/operations/?page=2"])
def test_the_index_costs_the_same_queries_for_5_and_50_tenants(
    path, client_for, viewer, demo_clients, django_assert_max_num_queries
):
    client = client_for(viewer)
    add_tenants(demo_clients, 5)
    few = _count(client, path.replace("page=2", "page=1"))
    add_tenants(demo_clients, 45, start=5)
    # + the count, the page of tenants, their unresolved issues
    with django_assert_max_num_queries(EVERY_PAGE + 3):
        assert _count(client, path) == few


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "poll"])
def test_a_job_page_costs_the_same_among_5_or_50_tenants(
    htmx, client_for, viewer, demo_clients, django_assert_max_num_queries
):
    client = client_for(viewer)
    tenants = add_tenants(demo_clients, 5)
    waiting = seed_jobs([tenant.pk for tenant in tenants], count=4)[0]
    headers = {"HX-Request": "true"} if htmx else {}
    path = f"/operations/jobs/{waiting}/"
    few = _count(client, path, **headers)
    add_tenants(demo_clients, 45, start=5)
    seed_jobs([tenant.pk for tenant in tenants], count=40)
    # + the job with its tenant, its timeline
    with django_assert_max_num_queries(EVERY_PAGE + 2):
        assert _count(client, path, **headers) == few
