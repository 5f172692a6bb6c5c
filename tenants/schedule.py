"""When a tenant's next periodic check falls: its own slot in the interval, not a burst.

Each company gets a stable offset inside ``TENANTS_CHECK_INTERVAL_SECONDS`` (a hash of its tenant
id), so thousands of tenants spread evenly over the interval and keep their place: a deploy, a
restart, a mass import or an outage that made everyone late never bunches them up for good. After
a check, the next one falls on the company's slot between half an interval and one and a half
intervals ahead (a check that ran late, or a check staff asked for, keeps the rhythm).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from django.conf import settings

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def interval_seconds() -> int:
    return settings.TENANTS_CHECK_INTERVAL_SECONDS


def offset_seconds(tenant_id: str, interval: int | None = None) -> int:
    """The company's stable place in the interval: the same on every host and after a restart."""
    interval = interval or interval_seconds()
    digest = hashlib.sha256(str(tenant_id).lower().encode()).digest()
    return int.from_bytes(digest[:8], "big") % interval


def next_slot(tenant_id: str, *, after: datetime, interval: int | None = None) -> datetime:
    """The company's first slot at or after ``after``: its offset plus whole intervals."""
    interval = interval or interval_seconds()
    since = (after - _EPOCH).total_seconds() - offset_seconds(tenant_id, interval)
    periods = -(-since // interval)  # ceiling
    return _EPOCH + timedelta(seconds=periods * interval + offset_seconds(tenant_id, interval))


def next_check_after(tenant_id: str, *, checked_at: datetime) -> datetime:
    """The next periodic check after one at ``checked_at``: the slot half an interval on."""
    interval = interval_seconds()
    return next_slot(
        tenant_id, after=checked_at + timedelta(seconds=interval / 2), interval=interval
    )
