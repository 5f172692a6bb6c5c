"""Sweeps spread over the interval: each company keeps a stable slot of its own."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from tenants import schedule

INTERVAL = 3600


def ids(count: int) -> list[str]:
    return [str(uuid.UUID(int=0xB0_0000_0000_4000_8000_0000_0000_0000 + n)) for n in range(count)]


def test_an_offset_is_stable_and_inside_the_interval():
    tenant = ids(1)[0]
    assert schedule.offset_seconds(tenant, INTERVAL) == schedule.offset_seconds(tenant, INTERVAL)
    assert schedule.offset_seconds(tenant.upper(), INTERVAL) == schedule.offset_seconds(
        tenant, INTERVAL
    )
    assert 0 <= schedule.offset_seconds(tenant, INTERVAL) < INTERVAL


def test_two_thousand_companies_spread_over_the_hour_not_one_burst():
    offsets = [schedule.offset_seconds(t, INTERVAL) for t in ids(2000)]
    per_six_minutes = Counter(offset // 360 for offset in offsets)
    assert sorted(per_six_minutes) == list(range(10))
    # An even spread puts 200 in each tenth of the hour; none gets more than a third extra.
    assert max(per_six_minutes.values()) < 270
    assert min(per_six_minutes.values()) > 130


@pytest.mark.parametrize("late_seconds", [0, 1, 600, 1799])
def test_the_next_check_falls_on_the_company_slot(settings, late_seconds):
    settings.TENANTS_CHECK_INTERVAL_SECONDS = INTERVAL
    tenant = ids(3)[2]
    slot = schedule.next_slot(tenant, after=datetime(2026, 12, 2, 7, 0, tzinfo=UTC))
    checked_at = slot + timedelta(seconds=late_seconds)  # the sweep got to it this late

    following = schedule.next_check_after(tenant, checked_at=checked_at)

    assert following == slot + timedelta(seconds=INTERVAL), "keeps its place in the hour"
    assert schedule.next_slot(tenant, after=following) == following


def test_a_check_just_before_the_slot_skips_that_slot(settings):
    settings.TENANTS_CHECK_INTERVAL_SECONDS = INTERVAL
    tenant = ids(1)[0]
    slot = schedule.next_slot(tenant, after=datetime(2026, 12, 2, 7, 0, tzinfo=UTC))
    staff_checked = slot - timedelta(minutes=1)  # "Check now" a minute before the sweep would

    assert schedule.next_check_after(tenant, checked_at=staff_checked) == slot + timedelta(
        seconds=INTERVAL
    )
