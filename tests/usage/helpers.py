"""Shared helpers for the usage tests (also used by the usage browser tests)."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import redis

from erpclient import CallRecord, Priority, RateLimitInfo

TEST_REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis server answers at {TEST_REDIS_URL}; CI runs these with REDIS_URL")
    return client


def drop_prefix(client: redis.Redis, prefix: str) -> None:
    for key in client.scan_iter(match=f"{prefix}*", count=500):
        client.delete(key)


def isolated_usage(settings) -> Iterator[str]:
    """Give the test its own Redis key prefix and fresh per-process caches."""
    from usage import limiter, recorder, registry

    prefix = f"usage-test:{uuid.uuid4().hex[:12]}:"
    settings.USAGE_REDIS_PREFIX = prefix
    limiter._limiters.clear()
    recorder._recorders.clear()
    registry.forget()
    yield prefix
    for shared in limiter._limiters.values():
        # Send what the process still holds now, not from the exit hook after the cleanup.
        with contextlib.suppress(Exception):
            getattr(shared, "send_held", lambda: None)()
    limiter._limiters.clear()
    recorder._recorders.clear()
    registry.forget()
    with contextlib.suppress(redis.ConnectionError):  # no Redis: nothing of this test's in it
        drop_prefix(redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1), prefix)


class FakeClock:
    def __init__(self, start: float) -> None:
        self.value = start

    def __call__(self) -> float:
        return self.value

    def advance(self, seconds: float) -> None:
        self.value += seconds


def at(clock: FakeClock) -> datetime:
    return datetime.fromtimestamp(clock.value, tz=UTC)


def call_record(
    clock: FakeClock,
    *,
    client_id: str = "isv_test",
    tenant_id: str = "tenant-a",
    status: int | None = 200,
    limit: int | None = None,
    remaining: int | None = None,
    reset: float | None = None,
    policy: str | None = "4-fixed-window",
    retry_after: float | None = None,
    family: str = "supplierInvoice",
    priority: Priority = Priority.INTERACTIVE,
    path: str = "/v1/supplierInvoice",
) -> CallRecord:
    info = (
        RateLimitInfo(
            limit=limit,
            remaining=remaining,
            reset_seconds=reset,
            policy=policy,
            observed_at=at(clock),
        )
        if limit is not None or remaining is not None
        else None
    )
    return CallRecord(
        tenant_id=tenant_id,
        client_id=client_id,
        company_id="4712001",
        priority=priority,
        method="GET",
        path_template=path,
        endpoint_family=family,
        status=status,
        duration_ms=12.5,
        fault_code=None,
        error_kind="rate_limited" if status == 429 else None,
        ratelimit=info,
        retry_after=retry_after,
        request_id="req-1",
        attempt=1,
        started_at=at(clock),
    )
