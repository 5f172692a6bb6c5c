"""The recorder writes the ledger (directly, or through the Redis buffer and a flush) and feeds
the ERP's figures to the limiter; the alert rules reach the USAGE_ALERT_HANDLERS."""

from __future__ import annotations

from datetime import timedelta

import pytest

from erpclient import Priority
from tests.usage.helpers import FakeClock, call_record
from usage import ledger, services
from usage.models import CallLog, HourlyFamilyUsage, HourlyUsage, MeteredCompany
from usage.recorder import get_recorder
from usage.selectors import budget_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    import time

    return FakeClock(time.time())


# What the handlers below heard, in order.
HEARD: list[dict] = []


def remember(**alert):
    HEARD.append(alert)


def broken(**alert):
    raise RuntimeError("handler bug")


@pytest.fixture
def signals(settings):
    """The alerts, as a handler registered in USAGE_ALERT_HANDLERS hears them."""
    HEARD.clear()
    settings.USAGE_ALERT_HANDLERS = [f"{__name__}.remember"]
    yield HEARD
    HEARD.clear()


def test_calls_land_in_the_log_and_the_hourly_rollups(backend, company, clock):
    recorder = get_recorder()
    reset = 1800
    recorder.record(call_record(clock, status=200, limit=500, remaining=420, reset=reset))
    recorder.record(call_record(clock, status=404, family="customer", priority=Priority.BACKGROUND))
    recorder.record(call_record(clock, status=None))
    recorder.record(call_record(clock, status=200, family="token", path="/connect/token"))
    recorder.flush()

    assert CallLog.objects.filter(company=company).count() == 4
    hour = HourlyUsage.objects.get(company=company)
    # The token call is in the log and the family rollup, but uses no ERP budget.
    assert (hour.calls, hour.status_2xx, hour.status_4xx, hour.no_response) == (3, 1, 1, 1)
    assert (hour.interactive, hour.background) == (2, 1)
    assert (hour.last_limit, hour.last_remaining, hour.last_policy) == (500, 420, "4-fixed-window")
    families = {
        row.family: (row.calls, row.errors)
        for row in HourlyFamilyUsage.objects.filter(company=company)
    }
    assert families == {"supplierInvoice": (2, 1), "customer": (1, 1), "token": (1, 0)}
    company.refresh_from_db()
    assert (company.total_calls, company.total_2xx, company.total_4xx) == (3, 1, 1)
    # The ERP said 80 calls are gone; we had counted none (nothing went through acquire).
    assert budget_state(client_id="isv_test", tenant_id="tenant-a").used == 80


def test_the_redis_recorder_writes_nothing_until_it_flushes(settings, company, clock):
    from tests.usage.helpers import TEST_REDIS_URL, redis_or_skip

    redis_or_skip()
    settings.USAGE_REDIS_URL = TEST_REDIS_URL
    recorder = get_recorder()
    for _ in range(5):
        recorder.record(call_record(clock))
    assert not CallLog.objects.exists()
    assert recorder.flush() == 5
    assert CallLog.objects.count() == 5
    assert recorder.flush() == 0
    assert HourlyUsage.objects.get().calls == 5


def test_a_failed_flush_keeps_the_calls_for_the_next_one(settings, company, clock, monkeypatch):
    from tests.usage.helpers import TEST_REDIS_URL, redis_or_skip

    redis_or_skip()
    settings.USAGE_REDIS_URL = TEST_REDIS_URL
    recorder = get_recorder()
    for _ in range(3):
        recorder.record(call_record(clock))

    def broken(entries):
        list(entries)
        raise RuntimeError("database went away")

    monkeypatch.setattr(ledger, "write", broken)
    with pytest.raises(RuntimeError):
        recorder.flush()
    monkeypatch.undo()
    assert recorder.flush() == 3
    assert CallLog.objects.count() == 3


def test_an_unregistered_company_is_kept_as_an_inactive_placeholder(backend, db, clock):
    get_recorder().record(
        call_record(clock, client_id="isv_new", tenant_id="tenant-new", limit=500, remaining=499)
    )
    get_recorder().flush()
    placeholder = MeteredCompany.objects.get(client_id="isv_new")
    assert not placeholder.active and placeholder.client_type == "test"
    assert placeholder.calls.count() == 1
    # When tenants registers it, the same row becomes the real one.
    services.metered_company_sync(
        client_id="isv_new",
        tenant_id="tenant-new",
        company_id=1,
        name="New AS",
        client_type="test",
        hourly_limit=500,
        tenant_pk=9,
        active=True,
    )
    assert MeteredCompany.objects.get(client_id="isv_new").calls.count() == 1


def test_a_429_tells_the_receivers_once_without_secrets(backend, company, clock, signals):
    recorder = get_recorder()
    record = call_record(clock, status=429, limit=500, remaining=0, reset=900, retry_after=900)
    recorder.record(record)
    recorder.record(record)
    kinds = [signal["kind"] for signal in signals]
    assert kinds == ["rate_limited", "near_limit"]
    first = signals[0]
    assert (first["client_id"], first["tenant_id"]) == ("isv_test", "tenant-a")
    assert first["details"]["retry_after_seconds"] == 900
    assert "429" in first["details"]["summary"]
    text = repr(signals).lower()
    assert "secret" not in text and "bearer" not in text


def test_a_broken_receiver_does_not_break_the_erp_call(backend, company, clock, settings):
    settings.USAGE_ALERT_HANDLERS = [f"{__name__}.broken"]
    get_recorder().record(call_record(clock, status=429, retry_after=10))
    assert budget_state(client_id="isv_test", tenant_id="tenant-a").blocked_until is not None


def test_a_test_client_averaging_above_half_its_limit_alerts(company, signals):
    from django.utils import timezone

    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    for back in range(24):
        HourlyUsage.objects.create(company=company, hour=hour - timedelta(hours=back), calls=251)
    quiet = services.metered_company_sync(
        client_id="isv_test",
        tenant_id="tenant-b",
        company_id=2,
        name="Quiet AB",
        client_type="test",
        hourly_limit=500,
        tenant_pk=None,
        active=True,
    )
    HourlyUsage.objects.create(company=quiet, hour=hour, calls=499)
    heavy = services.heavy_test_clients_alert(now=now)
    assert heavy == [company]
    assert [(s["tenant_id"], s["kind"]) for s in signals] == [("tenant-a", "test_client_heavy")]
    assert signals[0]["details"]["average_calls_per_hour"] == 251.0


def test_pruning_drops_old_calls_and_keeps_recent_ones(company, settings):
    from django.utils import timezone

    from usage.models import CallLog

    settings.USAGE_CALL_LOG_DAYS = 14
    now = timezone.now()
    for days in (20, 15, 13, 1):
        CallLog.objects.create(
            company=company,
            started_at=now - timedelta(days=days),
            method="GET",
            path_template="/v1/customer",
            family="customer",
            priority="interactive",
            status=200,
            duration_ms=1.0,
        )
    assert services.ledger_prune(now=now)["calls"] == 2
    ages = sorted((now - row.started_at).days for row in CallLog.objects.all())
    assert ages == [1, 13]
    company.refresh_from_db()


def test_a_recorded_call_rides_along_with_the_next_acquire(settings, company, clock):
    """On Redis an ordinary record waits for the next round trip; the ERP's figures are learned
    atomically before the next call is decided, and a read sends it at once."""
    from erpclient import LimitAction, LimitRequest
    from tests.usage.helpers import TEST_REDIS_URL, redis_or_skip
    from usage.limiter import get_limiter

    redis_or_skip()
    settings.USAGE_REDIS_URL = TEST_REDIS_URL
    limiter, recorder = get_limiter(), get_recorder()
    ask = LimitRequest(
        client_id="isv_test",
        tenant_id="tenant-a",
        company_id=None,
        priority=Priority.INTERACTIVE,
        method="GET",
        path_template="/v1/customer",
    )
    reset = 1800
    recorder.record(call_record(clock, limit=500, remaining=1, reset=reset))
    raw = limiter.redis.hget(limiter.key("isv_test", "tenant-a"), "u")
    assert raw is None  # nothing sent yet
    assert limiter.acquire(ask).action is LimitAction.GO  # the 500th call
    assert limiter.acquire(ask).action is LimitAction.WAIT
    recorder.record(call_record(clock, limit=500, remaining=0, reset=reset))
    assert budget_state(client_id="isv_test", tenant_id="tenant-a").erp_remaining == 0


def test_an_idle_process_sends_what_it_holds(settings, company, clock):
    import time

    from tests.usage.helpers import TEST_REDIS_URL, redis_or_skip
    from usage.limiter import get_limiter

    redis_or_skip()
    settings.USAGE_REDIS_URL = TEST_REDIS_URL
    limiter = get_limiter()
    get_recorder().record(call_record(clock, limit=500, remaining=420, reset=1800))
    deadline = time.monotonic() + 5
    key = limiter.key("isv_test", "tenant-a")
    while limiter.redis.hget(key, "u") is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert limiter.redis.hget(key, "u") == b"80"


def test_a_batch_holds_the_ledger_rows_and_writes_them_together(settings, company, clock):
    settings.USAGE_REDIS_URL = ""
    recorder = get_recorder()
    with recorder.batched():
        with recorder.batched():  # a nested batch (another sweep thread) keeps holding
            for _ in range(3):
                recorder.record(call_record(clock, status=200, limit=500, remaining=400))
        assert CallLog.objects.count() == 0
        # The limiter learned at once all the same: the ERP's figures are already in the state.
        assert budget_state(client_id="isv_test", tenant_id="tenant-a").erp_remaining == 400
    assert CallLog.objects.count() == 3
    assert HourlyUsage.objects.get(company=company).calls == 3


def test_a_long_batch_writes_every_batch_size_calls(settings, company, clock, monkeypatch):
    settings.USAGE_REDIS_URL = ""
    recorder = get_recorder()
    monkeypatch.setattr(type(recorder), "BATCH_SIZE", 4)
    with recorder.batched():
        for _ in range(5):
            recorder.record(call_record(clock, status=200))
        assert CallLog.objects.count() == 4
    assert CallLog.objects.count() == 5


def test_outside_a_batch_each_call_is_written_at_once(settings, company, clock):
    settings.USAGE_REDIS_URL = ""
    get_recorder().record(call_record(clock, status=200))
    assert CallLog.objects.count() == 1
