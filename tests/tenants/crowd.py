"""Many tenants at once, for the tests that hold a page's query count flat in the number of
tenants: active, each with a finished check, every other one with an open problem and every
third with a muted one, all on one customer and the demo production client."""

from __future__ import annotations

import uuid

from django.utils import timezone


def add_tenants(clients: dict, count: int, *, start: int = 0) -> list:
    from tenants import services
    from tenants.models import (
        CheckOutcome,
        CheckRun,
        CheckTrigger,
        Customer,
        IssueStatus,
        TenantStatus,
    )
    from tests.tenants.helpers import make_issue

    now = timezone.now()
    made = []
    for number in range(start, start + count):
        tenant = services.tenant_onboard(
            actor=None,
            tenant_id=str(uuid.UUID(int=0xC0FFEE << 64 | number)),
            name=f"Crowd Company {number:03d}",
            api_client=clients["production"],
            customer=Customer.objects.get_or_create(name=f"Crowd Customer {number % 4}")[0],
        )
        tenant.status = TenantStatus.ACTIVE
        tenant.last_checked_at = now
        tenant.last_check_ok = number % 2 == 1
        if number % 2 == 0:
            make_issue(tenant)
            tenant.open_issue_count = 1
        if number % 3 == 0:
            muted = make_issue(tenant, kind="erp_unavailable", owner="isv")
            muted.status = IssueStatus.MUTED
            muted.save(update_fields=["status"])
        tenant.save()
        CheckRun.objects.create(
            tenant=tenant,
            trigger=CheckTrigger.SWEEP,
            started_at=now,
            finished_at=now,
            outcome=CheckOutcome.PASSED,
        )
        made.append(tenant)
    return made
