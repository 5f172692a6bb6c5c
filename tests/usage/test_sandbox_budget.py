"""The shared limiter and recorder in front of the sandbox ERP, over real HTTP: the ERP wins,
a 429 holds the company (nothing more is sent), background work keeps the staff reserve, and a
held background task goes back to Celery with a countdown instead of sleeping."""

from __future__ import annotations

import math
import threading
import time

import pytest
from celery import shared_task

from erpclient import BudgetHeld, ErpClient, Priority, RateLimited
from erpsim.world import DEMO_CLIENTS, DEMO_TENANTS
from tests.conftest import sandbox_away_from_the_hour
from usage import services
from usage.deferral import JITTER_SECONDS, DeferredOnHold
from usage.limiter import get_limiter
from usage.recorder import get_recorder
from usage.selectors import budget_state, latest_ratelimit

pytestmark = pytest.mark.django_db(transaction=True)

TENANT = DEMO_TENANTS[0]
CLIENT = next(client for client in DEMO_CLIENTS if client["type"] == "test")


@pytest.fixture
def company(db):
    return services.metered_company_sync(
        client_id=CLIENT["client_id"],
        tenant_id=TENANT["tenant_id"],
        company_id=TENANT["company_id"],
        name=TENANT["name"],
        client_type="test",
        hourly_limit=500,
        tenant_pk=None,
        active=True,
    )


def erp(sandbox, priority=Priority.INTERACTIVE) -> ErpClient:
    # Background work must never sleep in a worker: any hold goes straight back to Celery.
    return ErpClient.sandbox(
        sandbox.url,
        client_id=CLIENT["client_id"],
        client_secret=CLIENT["client_secret"],
        tenant_id=TENANT["tenant_id"],
        limiter=get_limiter(),
        recorder=get_recorder(),
        priority=priority,
        retry_after_cap=0.0 if priority is Priority.BACKGROUND else 30.0,
    )


def set_used(sandbox, used: int) -> None:
    sandbox_away_from_the_hour(sandbox)  # the spent hour must not end mid-test
    sandbox.control(
        "POST",
        "/_sandbox/usage",
        {"tenant_id": TENANT["tenant_id"], "client_id": CLIENT["client_id"], "used": used},
    )


def erp_requests(sandbox) -> int:
    entries = sandbox.control("GET", f"/_sandbox/requests?tenant_id={TENANT['tenant_id']}")
    return len([e for e in entries if "/connect/" not in e.get("path", "")])


def state():
    return budget_state(client_id=CLIENT["client_id"], tenant_id=TENANT["tenant_id"])


def test_the_erp_wins_when_someone_else_used_the_budget(backend, sandbox, company):
    set_used(sandbox, 400)  # the ISV's own app used the same client this hour
    with erp(sandbox) as client:
        client.context.list()
    current = state()
    assert current.used == 401 and current.erp_remaining == 99
    info = latest_ratelimit(client_id=CLIENT["client_id"], tenant_id=TENANT["tenant_id"])
    assert info.limit == 500 and info.remaining == 99
    # Our window now ends when the ERP's does.
    assert 0 < (current.resets_at.timestamp() - info.observed_at.timestamp()) <= 3600


def test_a_429_holds_the_company_and_nothing_more_is_sent(backend, sandbox, company):
    set_used(sandbox, 500)
    with erp(sandbox) as client:
        with pytest.raises(RateLimited) as limited:
            client.context.list()
        sent = erp_requests(sandbox)
        assert state().blocked_until is not None
        with pytest.raises(BudgetHeld) as held:
            client.context.list()
    assert erp_requests(sandbox) == sent
    assert "429 Too Many Requests" in held.value.reason
    assert held.value.wait_seconds == pytest.approx(limited.value.retry_after, abs=2)
    assert "held until" in state().reason


def test_background_work_stops_at_the_reserve_and_staff_go_on(backend, sandbox, company):
    set_used(sandbox, 398)
    with erp(sandbox, Priority.BACKGROUND) as background:
        background.context.list()  # learns 399 used from the ERP
        background.context.list()  # the 400th call: the last one background work may make
        with pytest.raises(BudgetHeld) as held:
            background.context.list()
    assert "the last 20% is kept for staff" in held.value.reason
    assert not state().background_allowed
    with erp(sandbox) as staff:
        staff.context.list()
    assert state().used == 401


@shared_task(bind=True, base=DeferredOnHold, name="tests.usage.sweep_one_company")
def sweep_one_company(self, sandbox_url: str) -> int:
    """A background job like any the portal runs: on a hold it goes back to Celery for later."""

    class Box:
        url = sandbox_url

    with erp(Box, Priority.BACKGROUND) as client:
        return len(client.context.list())


def test_a_held_background_task_is_deferred_with_a_countdown(backend, sandbox, company):
    """A real worker runs the job; on the hold it goes back to the broker with a countdown."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_retry

    from portal.celery import app
    from tests.conftest import purge_broker

    set_used(sandbox, 500)
    with erp(sandbox) as staff, pytest.raises(RateLimited) as limited:
        staff.context.list()
    held_until = state().blocked_until.timestamp()  # now + the ERP's Retry-After
    retries = []
    retried = threading.Event()

    def seen(sender=None, reason=None, **kwargs):
        retries.append(reason)
        retried.set()

    task_retry.connect(seen, weak=False)
    purge_broker()  # only this test's job in the queue, not messages earlier tests left
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            sent_at = time.time()
            # expires: the rescheduled copy is dropped by any later worker instead of running.
            result = sweep_one_company.apply_async(args=[sandbox.url], expires=30)
            retried.wait(timeout=30)
            seen_at = time.time()
    finally:
        task_retry.disconnect(seen)
    assert retries, "the task was not rescheduled"
    # The exception crossed Celery's JSON serializer, so its text is what is left of it.
    assert "held by the budget limiter" in str(retries[0].exc)
    # The countdown is the rest of the ERP's Retry-After when the job was held (somewhere between
    # sending and seeing the retry, however slow the machine), plus at most the jitter.
    shortest = math.ceil(held_until - seen_at)
    longest = math.ceil(held_until - sent_at) + JITTER_SECONDS
    assert shortest <= retries[0].when <= longest
    assert retries[0].when <= limited.value.retry_after + JITTER_SECONDS + 1
    assert result.state == "RETRY"
    assert erp_requests(sandbox) == 1  # the held job sent nothing
