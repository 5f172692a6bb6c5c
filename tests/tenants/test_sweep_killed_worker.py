"""A real Celery worker killed in the middle of a sweep batch: its tenants are due again when the
claim's lease ends (minutes), not at the next hourly interval."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from tenants import sweep, tasks
from tenants.models import CheckRun, Tenant

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    auth = f"{user}:{db['PASSWORD']}" if db["PASSWORD"] else user
    return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_for(condition, what: str, timeout: float = 90.0) -> None:
    # A bound on a wait for something that must happen, not a guess at how long it takes.
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.05)


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
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "SANDBOX_URL": erp_settings.url,
        "USAGE_REDIS_PREFIX": settings.USAGE_REDIS_PREFIX,
        "TENANTS_SWEEP_CONCURRENCY": "1",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool",
            "solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        tasks.check_batch.apply_async(
            args=[sorted(claim.pks)], kwargs={"lease": claim.until.isoformat()}, queue=queue
        )
        # The worker has taken the first tenant (its lease renewed) and is waiting on the ERP.
        _wait_for(
            lambda: Tenant.objects.get(pk=first).next_check_at != claim.until,
            "the worker to take the first tenant",
        )
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=30)
        erp_settings.control("POST", "/_sandbox/faults", {})

    assert not CheckRun.objects.exists(), "nothing was finished"
    soon = timezone.now() + timedelta(seconds=sweep.lease_seconds())
    for tenant in Tenant.objects.filter(pk__in=claim.pks):
        assert tenant.next_check_at <= soon, "due again within the lease, not in an hour"
    later = timezone.now() + timedelta(seconds=sweep.lease_seconds() + 1)
    assert sorted(sweep.claim(now=later).pks) == sorted(t.pk for t in tenants)
