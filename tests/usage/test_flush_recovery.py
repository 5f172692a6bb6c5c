"""The Redis ledger buffer loses nothing when a flusher dies mid-flush, and writes nothing twice
when one dies after its commit: a batch waits in a list of its own until the database has it."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from tests.usage.helpers import TEST_REDIS_URL, FakeClock, call_record, redis_or_skip
from usage import ledger
from usage.models import CallLog, HourlyUsage
from usage.recorder import get_recorder
from usage.redis_limiter import FLUSH_LEASE_SECONDS, decode
from usage.registry import company_pk_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorder(settings, company):
    redis_or_skip()
    settings.USAGE_REDIS_URL = TEST_REDIS_URL
    return get_recorder()


def _record(recorder, count: int) -> None:
    clock = FakeClock(time.time())
    for _ in range(count):
        recorder.record(call_record(clock))
    recorder.limiter.send_held()


def _later(recorder, seconds: float) -> None:
    start = time.time()
    recorder.limiter._clock = lambda: start + seconds


def test_a_flusher_killed_before_its_commit_loses_no_call(recorder):
    _record(recorder, 5)
    batch = recorder.limiter.take()  # a flusher takes the batch ... and is killed here
    assert len(batch.entries) == 5
    assert recorder.limiter.buffered() == 0 and recorder.limiter.in_flight() == 5

    assert recorder.flush() == 0, "a batch may still be in another flusher's hands"
    assert recorder.limiter.in_flight() == 5

    _later(recorder, FLUSH_LEASE_SECONDS + 1)
    assert recorder.flush() == 5
    assert CallLog.objects.count() == 5 and HourlyUsage.objects.get().calls == 5
    assert recorder.limiter.in_flight() == 0
    assert recorder.flush() == 0


def test_a_flusher_killed_after_its_commit_writes_nothing_twice(recorder):
    _record(recorder, 3)
    batch = recorder.limiter.take()
    with transaction.atomic():  # what the flusher committed before it was killed
        assert ledger.mark_flushed(batch.id)
        ledger.write(
            (company_pk_for(call.client_id, call.tenant_id, company_id=None, limit=None), call)
            for call in map(decode, batch.entries)
        )
    assert CallLog.objects.count() == 3

    _later(recorder, FLUSH_LEASE_SECONDS + 1)
    assert recorder.flush() == 0
    assert CallLog.objects.count() == 3 and HourlyUsage.objects.get().calls == 3
    assert recorder.limiter.in_flight() == 0


def test_new_calls_are_flushed_while_an_orphan_waits(recorder):
    _record(recorder, 2)
    recorder.limiter.take()  # orphaned
    _record(recorder, 4)
    assert recorder.flush() == 4
    _later(recorder, FLUSH_LEASE_SECONDS + 1)
    assert recorder.flush() == 2
    assert CallLog.objects.count() == 6
