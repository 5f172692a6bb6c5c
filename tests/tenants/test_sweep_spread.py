"""A tick's batches go out one after another across the tick (tenants.sweep.spread), not as one
burst: pages served from the same hosts meet a few checks at a time."""

from __future__ import annotations

import itertools

import pytest

from tenants import sweep


@pytest.fixture
def sizes(settings):
    settings.TENANTS_SWEEP_BATCH_SIZE = 200
    settings.TENANTS_SWEEP_MIN_BATCH_SIZE = 4


def _checked_once(plan, pks) -> bool:
    return sorted(pk for batch, _ in plan for pk in batch) == sorted(pks)


def test_a_few_due_tenants_go_out_in_small_batches_across_the_tick(sizes):
    pks = list(range(17))
    plan = sweep.spread(pks, tick=5)
    assert [len(batch) for batch, _ in plan] == [3, 3, 4, 3, 4]
    assert [delay for _, delay in plan] == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert _checked_once(plan, pks)


def test_a_minutes_tick_sends_batches_of_four_evenly(sizes):
    pks = list(range(33))
    plan = sweep.spread(pks, tick=60)
    assert len(plan) == 9
    assert all(3 <= len(batch) <= 4 for batch, _ in plan)
    delays = [delay for _, delay in plan]
    assert delays[0] == 0 and delays[-1] < 60
    assert len({round(b - a, 6) for a, b in itertools.pairwise(delays)}) == 1
    assert _checked_once(plan, pks)


def test_a_backlog_keeps_batches_within_the_batch_size(sizes):
    pks = list(range(5000))
    plan = sweep.spread(pks, tick=60)
    assert len(plan) == 60  # at most one batch a second
    assert max(len(batch) for batch, _ in plan) <= 200
    huge = list(range(20000))
    plan = sweep.spread(huge, tick=60)
    assert max(len(batch) for batch, _ in plan) == 200
    assert _checked_once(plan, huge)


def test_one_due_tenant_goes_at_once_and_none_sends_nothing(sizes):
    assert sweep.spread([7], tick=60) == [([7], 0.0)]
    assert sweep.spread([], tick=60) == []


@pytest.mark.django_db
def test_the_beat_task_sends_the_batches_with_their_delays(settings, monkeypatch):
    from tenants import tasks

    settings.TENANTS_SWEEP_TICK_SECONDS = 5
    settings.TENANTS_SWEEP_MIN_BATCH_SIZE = 2
    sent = []
    monkeypatch.setattr(
        tasks.sweep,
        "claim",
        lambda: sweep.Claim([1, 2, 3, 4, 5, 6], None),
    )
    monkeypatch.setattr(
        tasks.check_batch,
        "apply_async",
        lambda args, kwargs, countdown: sent.append((args[0], countdown)),
    )
    assert tasks.health_sweep() == 6
    assert sent == [([1, 2], 0.0), ([3, 4], 5 / 3), ([5, 6], 10 / 3)]
