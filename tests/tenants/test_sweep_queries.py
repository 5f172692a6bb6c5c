"""What one sweep check costs the database, pinned (issue 14): the sweep's time per tenant goes
on PostgreSQL round trips, so a change that adds one to every check shows here first.

Counted on the test's connection, so the checks run one at a time (``concurrency=1``); the
test's own transaction turns each check's BEGIN and COMMIT into a SAVEPOINT and its RELEASE,
which are counted too (they are round trips as well). The limiter and the call buffer are on
Redis, as in production and the bench: with the database limiter every ERP call adds statements
of its own (usage's tests count those).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.models import AuditEvent
from tenants import sweep
from tenants.models import CheckOutcome, CheckRun, HealthIssue, Tenant, TenantStatus
from tests.usage.helpers import TEST_REDIS_URL, redis_or_skip

# A batch reads its tenants and what usage meters for them at once (tenants, then companies).
PER_BATCH = 2
# Take the claim (which checks the tenant's state too); then one transaction: BEGIN, lock the
# tenant, save the run, lock its issues, write the tenant, COMMIT.
PER_CHECK = 7
# A first check also learns the company id (usage's company read and written) and activates the
# tenant (its audit row).
PER_FIRST_CHECK = PER_CHECK + 3


@pytest.fixture(autouse=True)
def _limiter_on_redis(settings):
    redis_or_skip()
    settings.USAGE_REDIS_URL = TEST_REDIS_URL


def _sweep(*tenants: Tenant) -> CaptureQueriesContext:
    """Claim ``tenants`` as the beat task does and check them as a batch does."""
    Tenant.objects.filter(pk__in=[t.pk for t in tenants]).update(next_check_at=timezone.now())
    claim = sweep.claim()
    assert sorted(claim.pks) == sorted(t.pk for t in tenants)
    with CaptureQueriesContext(connection) as queries:
        assert sweep.check_many(claim.pks, lease=claim.until, concurrency=1) == 0
    return queries


def _queries_on(queries: CaptureQueriesContext, table: str) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]


@pytest.mark.django_db
def test_a_first_check_learns_the_company_and_activates_within_its_queries(
    erp_settings, make_tenant
):
    tenant = make_tenant("healthy")
    assert tenant.company_id is None and tenant.status == TenantStatus.ONBOARDING

    queries = _sweep(tenant)

    tenant.refresh_from_db()
    assert tenant.status == TenantStatus.ACTIVE and tenant.company_id is not None
    assert AuditEvent.objects.filter(action="tenant.activated", target_id=str(tenant.pk)).exists()
    assert len(queries) <= PER_BATCH + PER_FIRST_CHECK, "\n".join(
        q["sql"][:160] for q in queries.captured_queries
    )


@pytest.mark.django_db
def test_a_routine_check_stays_within_its_queries(erp_settings, make_tenant):
    tenant = make_tenant("healthy")
    _sweep(tenant)

    queries = _sweep(tenant)

    assert CheckRun.objects.filter(tenant=tenant, outcome=CheckOutcome.PASSED).count() == 2
    assert len(queries) <= PER_BATCH + PER_CHECK, "\n".join(
        q["sql"][:160] for q in queries.captured_queries
    )


@pytest.mark.django_db
def test_a_check_that_finds_a_problem_writes_the_issue_and_counts_it_without_a_count_query(
    erp_settings, make_tenant
):
    tenant = make_tenant("no_license")

    queries = _sweep(tenant)

    tenant.refresh_from_db()
    assert HealthIssue.objects.get(tenant=tenant).kind == "no_license"
    assert tenant.open_issue_count == 1
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"]]
    # The issue's insert instead of the company's read and write and the audit row.
    assert len(queries) <= PER_BATCH + PER_CHECK + 1


@pytest.mark.django_db
def test_a_batch_reads_what_usage_meters_once_not_once_per_tenant(erp_settings, make_tenant):
    scenarios = ("healthy", "no_license", "salesorder_scope_missing")
    tenants = [make_tenant(scenario) for scenario in scenarios]
    _sweep(*tenants)

    queries = _sweep(*tenants)

    assert len(_queries_on(queries, "usage_meteredcompany")) == 1
    assert len(queries) <= PER_BATCH + len(tenants) * (PER_CHECK + 1)
