"""A sweep's claim is a lease: a batch whose worker died (or whose message was lost) is claimed
again when the lease ends, and a batch delivered twice checks no tenant twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tenants import health, sweep, tasks
from tenants.models import CheckRun, CheckTrigger, Tenant, TenantStatus

pytestmark = pytest.mark.django_db


def _requests(sandbox) -> int:
    return len(sandbox.control("GET", "/_sandbox/requests"))


@pytest.fixture
def due(make_tenant):
    tenants = [make_tenant("healthy"), make_tenant("no_license")]
    Tenant.objects.update(next_check_at=timezone.now() - timedelta(minutes=1))
    return tenants


def test_a_lost_batch_is_claimed_again_when_its_lease_ends(due):
    now = timezone.now()
    first = sweep.claim(now=now)
    assert sorted(first.pks) == sorted(t.pk for t in due)
    # The batch's message is lost, or its worker killed: nothing checks these tenants.
    assert sweep.claim(now=now + timedelta(minutes=1)).pks == []
    later = now + timedelta(seconds=sweep.lease_seconds() + 1)
    again = sweep.claim(now=later)
    assert sorted(again.pks) == sorted(first.pks), "claimed again minutes later, not in an hour"
    assert again.until > first.until


def test_a_batch_delivered_twice_checks_each_tenant_once(erp_settings, due):
    claim = sweep.claim()
    assert sweep.check_many(claim.pks, lease=claim.until, concurrency=1) == 0
    assert CheckRun.objects.filter(trigger=CheckTrigger.SWEEP).count() == 2
    for tenant in Tenant.objects.all():
        # Its next slot (tenants.schedule): at least half an interval away, not the lease's end.
        assert tenant.next_check_at > timezone.now() + timedelta(minutes=29)
    sent = _requests(erp_settings)

    sweep.check_many(claim.pks, lease=claim.until, concurrency=1)  # the broker delivers it again
    assert CheckRun.objects.count() == 2
    assert _requests(erp_settings) == sent, "no ERP call for a repeated batch"


def test_an_old_batch_after_a_new_claim_checks_nothing(erp_settings, due):
    now = timezone.now()
    old = sweep.claim(now=now)
    new = sweep.claim(now=now + timedelta(seconds=sweep.lease_seconds() + 1))
    sweep.check_many(old.pks, lease=old.until, concurrency=1)  # arrives late: claimed anew
    assert not CheckRun.objects.exists()
    sweep.check_many(new.pks, lease=new.until, concurrency=1)
    sweep.check_many(old.pks, lease=old.until, concurrency=1)
    assert sorted(CheckRun.objects.values_list("tenant_id", flat=True)) == sorted(new.pks)


def test_a_tenant_checked_by_staff_meanwhile_is_left_to_its_next_check(erp_settings, due):
    claim = sweep.claim()
    health.check_tenant(tenant=due[0], trigger=CheckTrigger.MANUAL)
    sweep.check_many(claim.pks, lease=claim.until, concurrency=1)
    assert CheckRun.objects.filter(tenant=due[0]).count() == 1
    assert CheckRun.objects.filter(tenant=due[1], trigger=CheckTrigger.SWEEP).count() == 1


def test_the_task_carries_the_lease_through_its_message(erp_settings, due, settings):
    settings.TENANTS_SWEEP_CONCURRENCY = 1  # threads would not see this test's transaction
    claim = sweep.claim()
    message = {"pks": claim.pks, "lease": claim.until.isoformat()}  # as JSON in the broker
    tasks.check_batch(**message)
    tasks.check_batch(**message)
    assert CheckRun.objects.count() == 2


def test_a_failed_check_is_retried_after_the_lease_not_the_interval(due, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("worker bug")

    monkeypatch.setattr(sweep, "check_tenant", crash)
    claim = sweep.claim()
    assert sweep.check_many(claim.pks, lease=claim.until, concurrency=1) == 2
    later = timezone.now() + timedelta(seconds=sweep.lease_seconds() + 1)
    assert sorted(sweep.claim(now=later).pks) == sorted(claim.pks)


def test_a_tenant_suspended_after_its_batch_was_read_is_not_checked(erp_settings, due, monkeypatch):
    """The batch reads its tenants once; taking each one checks its state again."""
    read_batch = sweep._checked_tenants

    def read_then_suspend(pks):
        found = read_batch(pks)
        if len(pks) > 1:  # the batch's read, not a single tenant's
            Tenant.objects.filter(pk=due[1].pk).update(status=TenantStatus.SUSPENDED)
        return found

    monkeypatch.setattr(sweep, "_checked_tenants", read_then_suspend)
    claim = sweep.claim()
    sweep.check_many(claim.pks, lease=claim.until, concurrency=1)
    assert list(CheckRun.objects.values_list("tenant_id", flat=True)) == [due[0].pk]
