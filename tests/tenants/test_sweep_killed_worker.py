"""A real Celery worker killed in the middle of a sweep batch: its tenants are due again when the
claim's lease ends (minutes), not at the next hourly interval."""

from __future__ import annotations

import signal
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tenants import sweep, tasks
from tenants.models import CheckRun, Tenant
from tests.worker_process import celery_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_killed_mid_batch_leaves_its_tenants_due_within_the_lease(
    erp_settings, make_tenant, settings
):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process must reach the test database; CI runs this on PostgreSQL")
    tenants = [make_tenant("healthy"), make_tenant("no_license")]
    Tenant.objects.update(next_check_at=timezone.now() - timedelta(minutes=1))
    # Every ERP answer takes 30 s: the first check is certainly still running when it is killed.
    erp_settings.control("POST", "/_sandbox/faults", {"latency_ms": 30_000})

    claim = sweep.claim()
    first = min(claim.pks)
    queue = f"killed-worker-test-{uuid.uuid4().hex[:8]}"
    try:
        with celery_worker(
            settings, erp_settings.url, queue, TENANTS_SWEEP_CONCURRENCY="1"
        ) as worker:
            tasks.check_batch.apply_async(
                args=[sorted(claim.pks)], kwargs={"lease": claim.until.isoformat()}, queue=queue
            )
            # The worker has taken the first tenant (its lease renewed) and is waiting on the ERP.
            wait_for(
                lambda: Tenant.objects.get(pk=first).next_check_at != claim.until,
                "the worker to take the first tenant",
            )
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
    finally:
        erp_settings.control("POST", "/_sandbox/faults", {})

    assert not CheckRun.objects.exists(), "nothing was finished"
    soon = timezone.now() + timedelta(seconds=sweep.lease_seconds())
    for tenant in Tenant.objects.filter(pk__in=claim.pks):
        assert tenant.next_check_at <= soon, "due again within the lease, not in an hour"
    later = timezone.now() + timedelta(seconds=sweep.lease_seconds() + 1)
    assert sorted(sweep.claim(now=later).pks) == sorted(t.pk for t in tenants)
