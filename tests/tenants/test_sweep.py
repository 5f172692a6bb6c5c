"""The periodic sweep: which tenants are due, bounded fan-out, budget deferrals, the beat task."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tenants import health, services, sweep, tasks
from tenants.models import CheckOutcome, CheckRun, CheckTrigger, Tenant, TenantStatus


def test_fan_out_runs_everything_with_bounded_concurrency():
    running, peak, done = 0, 0, []
    lock = threading.Lock()
    # The first four items wait for each other: they can only all arrive if four threads run at
    # once, so the peak is reached by construction, not by how fast the threads happen to start.
    # (A fan-out that ran fewer at once would leave them waiting: the barrier breaks and the
    # items count as failures.)
    together = threading.Barrier(4, timeout=30)

    def work(item: int) -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        try:
            if item < 4:
                together.wait()
        finally:
            with lock:
                running -= 1
                done.append(item)
        if item == 7:
            raise RuntimeError("one tenant failing must not stop the others")

    failures = sweep.fan_out(list(range(40)), work, concurrency=4)
    assert sorted(done) == list(range(40))
    assert failures == 1
    assert 1 < peak <= 4
    assert peak == 4


@pytest.mark.django_db
def test_claim_due_takes_due_and_new_tenants_once(make_tenant):
    due = make_tenant("healthy")
    later = make_tenant("no_license")
    suspended = make_tenant("slow")
    never = make_tenant("flaky")
    Tenant.objects.filter(pk=due.pk).update(next_check_at=timezone.now() - timedelta(minutes=1))
    Tenant.objects.filter(pk=later.pk).update(next_check_at=timezone.now() + timedelta(hours=1))
    Tenant.objects.filter(pk=never.pk).update(next_check_at=None)
    services.tenant_suspend(actor=None, tenant=suspended, reason="paused")

    assert sorted(sweep.claim_due()) == sorted([due.pk, never.pk])
    assert sweep.claim_due() == [], "a claimed tenant is not taken twice"
    due.refresh_from_db()
    # Claimed for a lease only; the check itself sets the next one (tests/tenants/test_sweep_lease).
    lease = timedelta(seconds=sweep.lease_seconds())
    assert timezone.now() < due.next_check_at <= timezone.now() + lease


@pytest.mark.django_db
def test_the_sweep_skips_a_company_whose_background_budget_is_spent(erp_settings, make_tenant):
    tenant = make_tenant("near_limit", "test")
    # A person checks it first: the ERP's figures (96% used) reach the shared limiter.
    health.check_tenant(tenant=tenant, trigger=CheckTrigger.MANUAL)
    before = len(erp_settings.control("GET", "/_sandbox/requests"))

    run = sweep.sweep_one(tenant.pk)

    assert run.outcome == CheckOutcome.DEFERRED
    assert "kept" in run.summary and "of 500 calls used" in run.summary
    assert len(erp_settings.control("GET", "/_sandbox/requests")) == before, "no ERP call"
    tenant.refresh_from_db()
    assert tenant.next_check_at > timezone.now()


@pytest.mark.django_db
def test_the_beat_task_checks_every_due_tenant(erp_settings, make_tenant, settings):
    from portal.celery import app

    settings.TENANTS_SWEEP_BATCH_SIZE = 2
    # This test's data lives in its transaction, which other threads cannot see; the threaded
    # fan-out has its own transactional test below.
    settings.TENANTS_SWEEP_CONCURRENCY = 1
    tenants = [make_tenant(s) for s in ("healthy", "no_license", "company_context")]
    app.conf.task_always_eager = True
    try:
        assert tasks.health_sweep() == 3
    finally:
        app.conf.task_always_eager = False
    for tenant in tenants:
        run = CheckRun.objects.get(tenant=tenant)
        assert run.trigger == CheckTrigger.SWEEP
        assert run.finished
    assert Tenant.objects.get(pk=tenants[0].pk).status == TenantStatus.ACTIVE


@pytest.mark.django_db(transaction=True)
def test_checks_run_side_by_side(erp_settings, make_tenant):
    # SQLite's shared in-memory test database locks whole tables between connections, so there
    # the sweep runs one at a time; PostgreSQL (CI) runs it four wide.
    concurrency = 1 if connection.vendor == "sqlite" else 4
    tenants = [make_tenant(s) for s in ("healthy", "no_license", "slow", "company_context")]
    failures = sweep.check_many([t.pk for t in tenants], concurrency=concurrency)
    assert failures == 0
    assert CheckRun.objects.filter(outcome=CheckOutcome.PASSED).count() == 2
    assert CheckRun.objects.filter(outcome=CheckOutcome.FAILED).count() == 2
