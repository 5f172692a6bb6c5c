"""Metered companies and their history for the usage tests."""

from __future__ import annotations

from datetime import timedelta

import factory

from usage.models import HourlyUsage, MeteredCompany
from usage.selectors import utc_hour


class MeteredCompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeteredCompany

    client_id = "isv_demo_test"
    tenant_id = factory.Sequence(lambda n: f"00000000-0000-4000-8000-{n:012d}")
    company_id = factory.Sequence(lambda n: 4_800_000 + n)
    name = factory.Sequence(lambda n: f"Company {n:04d} AS")
    client_type = "test"
    active = True


def add_hours(company: MeteredCompany, hours: int, *, calls: int = 100, throttled: int = 0):
    """History for the ``hours`` hours before the current one."""
    now = utc_hour()
    HourlyUsage.objects.bulk_create(
        HourlyUsage(
            company=company,
            hour=now - timedelta(hours=back),
            calls=calls,
            status_2xx=calls - throttled,
            status_4xx=throttled,
            rate_limited=throttled,
            interactive=calls,
        )
        for back in range(1, hours + 1)
    )
