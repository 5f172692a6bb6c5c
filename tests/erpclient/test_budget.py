"""The budget guard: the limiter is asked before each request, the recorder told after."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

import pytest

from erpclient import (
    CallRecord,
    InMemoryLimiter,
    InMemoryRecorder,
    LimitDecision,
    LimitRequest,
    Priority,
    errors,
)

from .fakes import FakeClock, FakeErp, error_json, make_async_client, make_client, ok_json

CONTEXT = [{"id": 1, "name": "Demo", "type": "Company"}]


@dataclass
class ScriptedLimiter:
    decisions: list[LimitDecision]
    requests: list[LimitRequest] = field(default_factory=list)

    def acquire(self, request: LimitRequest) -> LimitDecision:
        self.requests.append(request)
        return self.decisions.pop(0) if len(self.decisions) > 1 else self.decisions[0]


def _fake() -> FakeErp:
    return FakeErp().on("/resources/v1/context", ok_json(CONTEXT))


def test_limiter_sees_who_calls_what_and_in_which_lane():
    limiter = ScriptedLimiter([LimitDecision.go()])
    fake = _fake().on("/v1/supplierInvoice", ok_json([]))
    client = make_client(fake, limiter=limiter, company_id=77)
    client.context.list()
    client.with_options(priority=Priority.BACKGROUND).supplier_invoices.page(page_number=1)
    first, second = limiter.requests
    assert first == LimitRequest(
        client_id="isv_test",
        tenant_id="tenant-1",
        company_id="77",
        priority=Priority.INTERACTIVE,
        method="GET",
        path_template="/resources/v1/context",
    )
    assert second.priority is Priority.BACKGROUND
    assert second.path_template == "/v1/supplierInvoice"


def test_refusal_raises_and_sends_nothing():
    limiter = ScriptedLimiter([LimitDecision.refuse("staff reserve only")])
    fake = _fake()
    client = make_client(fake, limiter=limiter)
    with pytest.raises(errors.BudgetRefused) as caught:
        client.context.list()
    assert caught.value.reason == "staff reserve only"
    assert fake.requests == [] and fake.token_requests == []


def test_short_wait_is_slept_then_the_call_goes():
    clock = FakeClock()
    limiter = ScriptedLimiter([LimitDecision.wait(4.0, "smoothing"), LimitDecision.go()])
    fake = _fake()
    client = make_client(fake, clock, limiter=limiter)
    client.context.list()
    assert clock.sleeps == [4.0]
    assert len(fake.requests) == 1


def test_long_wait_raises_budget_held_for_the_caller_to_reschedule():
    clock = FakeClock()
    limiter = ScriptedLimiter([LimitDecision.wait(600.0, "hour budget spent")])
    fake = _fake()
    client = make_client(fake, clock, limiter=limiter)
    with pytest.raises(errors.BudgetHeld) as caught:
        client.context.list()
    assert caught.value.wait_seconds == 600.0
    assert caught.value.reason == "hour budget spent"
    assert fake.requests == [] and clock.sleeps == []


def test_waits_add_up_against_the_cap():
    clock = FakeClock()
    limiter = ScriptedLimiter([LimitDecision.wait(20.0, "busy")])
    client = make_client(_fake(), clock, limiter=limiter)
    with pytest.raises(errors.BudgetHeld):
        client.context.list()
    assert clock.sleeps == [20.0]


def test_budget_errors_are_never_retried():
    limiter = ScriptedLimiter([LimitDecision.refuse("no"), LimitDecision.go()])
    client = make_client(_fake(), limiter=limiter)
    with pytest.raises(errors.BudgetRefused):
        client.context.list()
    assert len(limiter.requests) == 1


def test_negative_wait_is_refused():
    with pytest.raises(ValueError):
        LimitDecision.wait(-1, "nonsense")


def test_recorder_gets_one_record_per_attempt_without_secrets():
    recorder = InMemoryRecorder()
    fake = FakeErp().on(
        "/v1/supplierInvoice/Invoice/000123",
        error_json(503, None, **{"X-Request-Id": "r-1"}),
        ok_json({"referenceNumber": "000123"}),
    )
    client = make_client(fake, recorder=recorder)
    client.supplier_invoices.get("000123", document_type="Invoice")
    token, failed, succeeded = recorder.calls
    assert token.endpoint_family == "token" and token.path_template == "/connect/token"
    assert failed.path_template == "/v1/supplierInvoice/{documentType}/{invoiceNumber}"
    assert failed.endpoint_family == "supplierInvoice"
    assert (failed.status, failed.error_kind, failed.attempt, failed.request_id) == (
        503,
        "server_error",
        1,
        "r-1",
    )
    assert (succeeded.status, succeeded.error_kind, succeeded.attempt) == (200, None, 2)
    assert succeeded.ratelimit is not None and succeeded.ratelimit.remaining == 321
    assert succeeded.started_at.tzinfo is not None and succeeded.duration_ms >= 0
    assert "very-secret-value" not in repr(recorder.calls) and "tok-1" not in repr(recorder.calls)


def test_fault_code_and_retry_after_are_recorded():
    recorder = InMemoryRecorder()
    fake = FakeErp().on(
        "/resources/v1/context",
        error_json(400, {"ExceptionMessage": "", "ExceptionFaultCode": "12002"}),
    )
    client = make_client(fake, recorder=recorder)
    with pytest.raises(errors.CompanyContextError):
        client.context.list()
    assert recorder.calls[-1].fault_code == "12002"
    assert recorder.calls[-1].error_kind == "company_context"


class BrokenRecorder:
    def record(self, call: CallRecord) -> None:
        raise RuntimeError("ledger database is down")


def test_a_broken_recorder_does_not_break_the_call(caplog):
    client = make_client(_fake(), recorder=BrokenRecorder())
    with caplog.at_level(logging.ERROR, logger="erpclient"):
        [context] = client.context.list()
    assert context.name == "Demo"
    assert "call recorder" in caplog.text


def test_in_memory_limiter_holds_calls_when_the_erp_says_nothing_is_left():
    clock = FakeClock()
    limiter = InMemoryLimiter(clock=clock)
    fake = FakeErp().on(
        "/resources/v1/context",
        ok_json(CONTEXT, **{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "900"}),
    )
    client = make_client(fake, clock, limiter=limiter)
    client.context.list()
    with pytest.raises(errors.BudgetHeld) as caught:
        client.supplier_invoices.page()
    assert caught.value.wait_seconds == pytest.approx(900.0)
    assert len(fake.requests) == 1
    clock.now += 901
    fake.on("/v1/supplierInvoice", ok_json([]))
    client.supplier_invoices.page()


def test_in_memory_limiter_ignores_the_figures_of_a_per_request_rule():
    clock = FakeClock()
    limiter = InMemoryLimiter(clock=clock)
    same_request = error_json(
        429,
        {"Message": "Same request made too many times"},
        **{
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Policy": "SameRequestLimit",
            "Retry-After": "50",
        },
    )
    fake = (
        FakeErp().on("/resources/v1/context", same_request).on("/v1/supplierInvoice", ok_json([]))
    )
    client = make_client(fake, clock, limiter=limiter)
    with pytest.raises(errors.RateLimited):
        client.context.list()
    client.supplier_invoices.page()  # other requests of the company still go


def test_in_memory_limiter_keeps_a_reserve_for_interactive_calls():
    clock = FakeClock()
    limiter = InMemoryLimiter(background_reserve=0.1, clock=clock)
    fake = (
        FakeErp()
        .on(
            "/resources/v1/context",
            ok_json(CONTEXT, **{"X-RateLimit-Remaining": "40", "X-RateLimit-Limit": "500"}),
        )
        .on("/v1/supplierInvoice", ok_json([]))
    )
    client = make_client(fake, clock, limiter=limiter)
    client.context.list()
    background = client.with_options(priority=Priority.BACKGROUND)
    with pytest.raises(errors.BudgetHeld, match="kept for interactive use"):
        background.supplier_invoices.page()
    client.supplier_invoices.page()  # a person at the console still gets through


def test_with_options_shares_pool_tokens_and_state_but_not_ownership():
    fake = _fake()
    client = make_client(fake)
    background = client.with_options(priority=Priority.BACKGROUND, timeout=5.0)
    assert background._http is client._http
    assert background._tokens is client._tokens
    assert background.priority is Priority.BACKGROUND and client.priority is Priority.INTERACTIVE
    background.context.get()
    assert client.company_id == "1"  # learnt through the copy
    assert client.last_ratelimit is background.last_ratelimit is not None
    background.close()
    client.context.list()  # the pool is still open
    assert len(fake.token_requests) == 1
    client.close()
    assert client._http.is_closed


def test_async_client_uses_async_and_sync_limiters_alike():
    calls: list[str] = []

    class AsyncLimiter:
        async def acquire(self, request: LimitRequest) -> LimitDecision:
            calls.append("async")
            return LimitDecision.go()

    class SyncLimiter:
        def acquire(self, request: LimitRequest) -> LimitDecision:
            calls.append("sync")
            return LimitDecision.refuse("no budget")

    async def run() -> None:
        fake = _fake()
        client = make_async_client(fake, limiter=AsyncLimiter())
        await client.context.list()
        await client.close()
        client = make_async_client(fake, limiter=SyncLimiter())
        with pytest.raises(errors.BudgetRefused):
            await client.context.list()
        await client.close()

    asyncio.run(run())
    assert calls == ["async", "sync"]


def test_an_object_that_is_both_limiter_and_recorder_hears_each_call_once():
    both = InMemoryLimiter()
    heard: list[CallRecord] = []
    original = both.record

    def record(call: CallRecord) -> None:
        heard.append(call)
        original(call)

    both.record = record
    client = make_client(_fake(), limiter=both, recorder=both)
    client.context.list()
    assert [call.endpoint_family for call in heard] == ["token", "context"]
