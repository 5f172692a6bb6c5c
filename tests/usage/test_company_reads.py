"""How often usage reads and writes a metered company: a batch's companies in one query, no query
for "is this test client heavy?" when it is no test client, no write for a sync that changes
nothing (issue 14: the sweep's checks are bound by database round trips)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from usage import registry, services
from usage.models import HourlyUsage, MeteredCompany
from usage.selectors import is_test_client_heavy

pytestmark = pytest.mark.django_db


def _sync(tenant_id: str, client_type: str = "test", **overrides) -> MeteredCompany:
    values = {
        "client_id": "isv_test",
        "tenant_id": tenant_id,
        "company_id": 4712001,
        "name": f"Company {tenant_id}",
        "client_type": client_type,
        "hourly_limit": None,
        "tenant_pk": None,
        "active": True,
    }
    values.update(overrides)
    return services.metered_company_sync(**values)


def _busy_hours(company: MeteredCompany, calls: int) -> None:
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    for back in range(24):
        HourlyUsage.objects.create(company=company, hour=hour - timedelta(hours=back), calls=calls)


def test_preload_reads_a_batch_of_companies_in_one_query_and_remembers_the_unknown():
    _sync("tenant-a")
    _sync("tenant-b", "production", hourly_limit=900)
    registry.forget()
    keys = [("isv_test", "tenant-a"), ("isv_test", "tenant-b"), ("isv_test", "nobody")]

    with CaptureQueriesContext(connection) as preloading:
        registry.preload(keys)
    with CaptureQueriesContext(connection) as reading:
        configs = [registry.config_for(*key) for key in keys]

    assert len(preloading) == 1
    assert len(reading) == 0
    assert [(c.client_type, c.limit, c.active) for c in configs] == [
        ("test", 500, True),
        ("production", 900, True),
        ("", 500, False),  # nobody registered it: the test budget, as config_for says
    ]


def test_heavy_asks_the_database_only_about_an_active_test_client():
    test_company = _sync("tenant-a")
    production_company = _sync("tenant-b", "production")
    retired = _sync("tenant-c", active=False)
    for company in (test_company, production_company, retired):
        _busy_hours(company, calls=400)  # far above half of a test client's 500 an hour

    with CaptureQueriesContext(connection) as asking:
        production = is_test_client_heavy(client_id="isv_test", tenant_id="tenant-b")
        stopped = is_test_client_heavy(client_id="isv_test", tenant_id="tenant-c")
    assert (production, stopped) == (False, False)
    # The registry's one read of each company; the averages are never asked for.
    assert not [q for q in asking.captured_queries if "usage_hourlyusage" in q["sql"]]

    assert is_test_client_heavy(client_id="isv_test", tenant_id="tenant-a") is True


def test_a_sync_that_changes_nothing_writes_nothing_and_a_change_writes_only_it():
    company = _sync("tenant-a")
    stamped = company.updated_at

    with CaptureQueriesContext(connection) as unchanged:
        same = _sync("tenant-a")
    assert same.pk == company.pk
    assert [q["sql"].split()[0] for q in unchanged.captured_queries] == ["SELECT"]
    assert MeteredCompany.objects.get(pk=company.pk).updated_at == stamped

    with CaptureQueriesContext(connection) as renamed:
        _sync("tenant-a", name="Renamed AS")
    writes = [q["sql"] for q in renamed.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(writes) == 1 and '"name"' in writes[0] and '"client_type"' not in writes[0]
    assert MeteredCompany.objects.get(pk=company.pk).name == "Renamed AS"
