"""A real check (sandbox ERP over HTTP) moves the tenant to its own slot, not to now + 1 hour."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tenants import health, schedule
from tenants.models import CheckOutcome, CheckTrigger

pytestmark = pytest.mark.django_db


def test_a_passed_check_schedules_the_next_on_the_company_slot(make_tenant):
    tenant = make_tenant("healthy")
    before = timezone.now()

    run = health.check_tenant(tenant=tenant, trigger=CheckTrigger.SWEEP)

    assert run.outcome == CheckOutcome.PASSED
    tenant.refresh_from_db()
    interval = schedule.interval_seconds()
    assert tenant.next_check_at >= before + timedelta(seconds=interval / 2)
    assert tenant.next_check_at < timezone.now() + timedelta(seconds=interval * 1.5)
    assert schedule.next_slot(tenant.tenant_id, after=tenant.next_check_at) == tenant.next_check_at
