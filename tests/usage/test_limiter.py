"""The budget rules, held to the same cases on the database limiter and the Redis (Lua) one:
window alignment, "the ERP wins", the two lanes, holding after a 429, and the alert rules."""

from __future__ import annotations

import random
import uuid

import pytest

from erpclient import LimitAction, LimitRequest, Priority
from tests.usage.helpers import FakeClock, call_record, drop_prefix, redis_or_skip
from usage import rules, services
from usage.limiter import DatabaseLimiter
from usage.redis_limiter import RedisLimiter

pytestmark = pytest.mark.django_db

# 10:20:00 UTC on a fixed day: windows aligned to the clock hour end at 11:00:00.
T0 = 1_780_000_000 - (1_780_000_000 % 3600) + 20 * 60
HOUR_END = T0 - 20 * 60 + 3600


@pytest.fixture(params=["database", "redis"])
def clock_and_limiter(request):
    clock = FakeClock(T0)
    if request.param == "database":
        yield clock, DatabaseLimiter(clock=clock)
        return
    client = redis_or_skip()
    prefix = f"usage-test:{uuid.uuid4().hex[:12]}:"
    yield clock, RedisLimiter(client, prefix=prefix, clock=clock)
    drop_prefix(client, prefix)


@pytest.fixture
def company(db):
    return services.metered_company_sync(
        client_id="isv_test",
        tenant_id="tenant-a",
        company_id=4712001,
        name="Nordlys Handel AS",
        client_type="test",
        hourly_limit=10,
        tenant_pk=None,
        active=True,
    )


def ask(limiter, priority=Priority.INTERACTIVE, tenant_id="tenant-a"):
    return limiter.acquire(
        LimitRequest(
            client_id="isv_test",
            tenant_id=tenant_id,
            company_id=None,
            priority=priority,
            method="GET",
            path_template="/v1/supplierInvoice",
        )
    )


def gone_through(limiter, n, priority=Priority.INTERACTIVE):
    return sum(ask(limiter, priority).action is LimitAction.GO for _ in range(n))


def test_windows_follow_the_clock_hour_until_the_erp_says_otherwise(clock_and_limiter, company):
    clock, limiter = clock_and_limiter
    assert gone_through(limiter, 3) == 3
    state = limiter.state("isv_test", "tenant-a")
    assert state.window_end == HOUR_END and state.used == 3
    clock.advance(HOUR_END - clock.value + 1)
    assert limiter.state("isv_test", "tenant-a").used == 0
    assert ask(limiter).action is LimitAction.GO
    assert limiter.state("isv_test", "tenant-a").window_end == HOUR_END + 3600


def test_the_window_realigns_to_the_erps_reset_and_keeps_that_alignment(clock_and_limiter, company):
    clock, limiter = clock_and_limiter
    ask(limiter)
    # The ERP's window ends in 10 minutes, not at the top of the hour.
    limiter.observe(call_record(clock, limit=10, remaining=9, reset=600))
    assert limiter.state("isv_test", "tenant-a").window_end == T0 + 600
    clock.advance(601)
    assert ask(limiter).action is LimitAction.GO
    state = limiter.state("isv_test", "tenant-a")
    assert state.window_end == T0 + 600 + 3600
    assert state.used == 1


def test_a_late_answer_from_the_last_window_changes_nothing(clock_and_limiter, company):
    clock, limiter = clock_and_limiter
    old = call_record(clock, limit=10, remaining=1, reset=5)  # observed 5 s before its reset
    clock.advance(10)
    ask(limiter)
    limiter.observe(old)
    state = limiter.state("isv_test", "tenant-a")
    assert state.used == 1 and state.window_end == HOUR_END


@pytest.mark.smoke
def test_the_erp_wins_when_it_reports_fewer_calls_left(clock_and_limiter, company):
    clock, limiter = clock_and_limiter
    assert gone_through(limiter, 2) == 2
    reset = HOUR_END - clock.value
    # Someone else (the ISV's app itself) used the same client: only 3 of 10 remain.
    limiter.observe(call_record(clock, limit=10, remaining=3, reset=reset))
    assert limiter.state("isv_test", "tenant-a").used == 7
    # A report of more remaining than we counted does not give calls back.
    limiter.observe(call_record(clock, limit=10, remaining=9, reset=reset))
    assert limiter.state("isv_test", "tenant-a").used == 7
    assert gone_through(limiter, 5) == 3


def test_the_erps_own_limit_beats_the_configured_one(clock_and_limiter, company):
    clock, limiter = clock_and_limiter
    limiter.observe(call_record(clock, limit=4, remaining=4, reset=HOUR_END - clock.value))
    assert gone_through(limiter, 6) == 4


def test_background_work_leaves_the_reserve_to_staff(clock_and_limiter, company):
    _clock, limiter = clock_and_limiter
    assert gone_through(limiter, 10, Priority.BACKGROUND) == 8  # 20 % of 10 kept back
    held = ask(limiter, Priority.BACKGROUND)
    assert held.action is LimitAction.WAIT
    assert held.wait_seconds == pytest.approx(HOUR_END - T0)
    assert "8 of 10 calls used this hour; the last 20% is kept for staff" in held.reason
    assert gone_through(limiter, 5, Priority.INTERACTIVE) == 2
    full = ask(limiter)
    assert full.action is LimitAction.WAIT
    assert "all 10 calls of this hour are used" in full.reason


def test_a_company_reserve_overrides_the_client_type_default(clock_and_limiter, company):
    _clock, limiter = clock_and_limiter
    company.background_reserve = 0.5
    company.save()
    from usage import registry

    registry.forget()
    assert gone_through(limiter, 10, Priority.BACKGROUND) == 5


def test_a_429_holds_the_company_until_retry_after_has_passed(clock_and_limiter, company):
    clock, limiter = clock_and_limiter
    events = limiter.observe(
        call_record(clock, status=429, limit=10, remaining=0, reset=2400, retry_after=30)
    )
    assert events == [rules.ThrottlingKind.RATE_LIMITED, rules.ThrottlingKind.NEAR_LIMIT]
    held = ask(limiter)
    assert held.action is LimitAction.WAIT
    assert held.wait_seconds == pytest.approx(30)
    assert "429 Too Many Requests" in held.reason
    # A second 429 during the same hold does not raise the alarm again.
    assert limiter.observe(call_record(clock, status=429, retry_after=20)) == []
    clock.advance(31)
    # The hold is over, but the ERP said nothing is left this hour: staff still wait for the reset.
    assert ask(limiter).action is LimitAction.WAIT
    clock.advance(2400)
    assert ask(limiter).action is LimitAction.GO


def test_a_per_request_429_does_not_hold_the_whole_company(clock_and_limiter, company):
    clock, limiter = clock_and_limiter
    events = limiter.observe(
        call_record(
            clock,
            status=429,
            limit=5,
            remaining=0,
            reset=60,
            policy="SameRequestLimit",
            retry_after=60,
        )
    )
    assert events == [rules.ThrottlingKind.RATE_LIMITED]
    assert ask(limiter).action is LimitAction.GO
    assert limiter.state("isv_test", "tenant-a").erp_limit is None


def test_crossing_eighty_percent_alerts_once_per_window(clock_and_limiter, company):
    clock, limiter = clock_and_limiter
    reset = HOUR_END - clock.value
    fired = []
    for used in range(1, 11):
        ask(limiter)
        fired += limiter.observe(call_record(clock, limit=10, remaining=10 - used, reset=reset))
        if used == 7:
            assert fired == []
    assert fired == [rules.ThrottlingKind.NEAR_LIMIT]
    clock.advance(reset + 1)
    ask(limiter)
    assert limiter.observe(call_record(clock, limit=10, remaining=1, reset=3599)) == [
        rules.ThrottlingKind.NEAR_LIMIT
    ]


def test_companies_do_not_share_a_budget(clock_and_limiter, company):
    _clock, limiter = clock_and_limiter
    assert gone_through(limiter, 12) == 10
    assert ask(limiter, tenant_id="tenant-b").action is LimitAction.GO


def test_lua_and_python_agree_on_a_random_walk(db, company):
    """The same 400 random steps on both limiters give the same decisions and states."""
    client = redis_or_skip()
    prefix = f"usage-test:{uuid.uuid4().hex[:12]}:"
    clock_db, clock_redis = FakeClock(T0), FakeClock(T0)
    database = DatabaseLimiter(clock=clock_db)
    redis_limiter = RedisLimiter(client, prefix=prefix, clock=clock_redis)
    rng = random.Random(20260101)
    try:
        for step in range(400):
            roll = rng.random()
            if roll < 0.55:
                priority = rng.choice([Priority.INTERACTIVE, Priority.BACKGROUND])
                a, b = ask(database, priority), ask(redis_limiter, priority)
                assert a.action == b.action, step
                # Lua keeps 14 significant digits of the epoch times: equal to a millisecond.
                assert a.wait_seconds == pytest.approx(b.wait_seconds, abs=0.01), step
            elif roll < 0.85:
                fields = {
                    "status": rng.choice([200, 200, 404, 429, None]),
                    "limit": 10,
                    "remaining": rng.randint(0, 10),
                    "reset": rng.choice([rng.uniform(0, 3600), None]),
                    "policy": rng.choice(["4-fixed-window", "SameRequestLimit"]),
                    "retry_after": rng.choice([None, rng.uniform(1, 120)]),
                }
                assert database.observe(call_record(clock_db, **fields)) == redis_limiter.observe(
                    call_record(clock_redis, **fields)
                ), step
            else:
                seconds = rng.choice([1, 30, 400, 3600])
                clock_db.advance(seconds)
                clock_redis.advance(seconds)
            a = database.state("isv_test", "tenant-a")
            b = redis_limiter.state("isv_test", "tenant-a")
            assert a.used == b.used and a.erp_limit == b.erp_limit, step
            assert a.window_end == pytest.approx(b.window_end, abs=0.01), step
            assert (a.blocked_until or 0) == pytest.approx(b.blocked_until or 0, abs=0.01), step
    finally:
        drop_prefix(client, prefix)


@pytest.mark.parametrize("priority", [Priority.INTERACTIVE, Priority.BACKGROUND])
def test_a_held_calls_reason_groups_thousands(priority):
    now = T0
    state = rules.WindowState(window_end=HOUR_END, used=15_000)
    decision, _ = rules.decide(state, now=now, limit=15_000, reserve=0.2, priority=priority)
    assert decision.action is LimitAction.WAIT
    assert "15,000" in decision.reason and "15000" not in decision.reason
