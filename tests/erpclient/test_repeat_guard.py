"""The repeat guard: no third try of a request that failed twice in 5 minutes, no sixth identical
request within a minute."""

from __future__ import annotations

import pytest

from erpclient import InMemoryRepeatGuard, errors

from .fakes import FakeClock, FakeErp, error_json, make_client, ok_json

INVOICE = {"referenceNumber": "000123", "timeStamp": "AAAAAE0YIiI="}
PATH = "/v1/supplierInvoice/000123"


def test_sixth_identical_request_within_a_minute_is_held():
    clock = FakeClock()
    guard = InMemoryRepeatGuard(clock)
    for _ in range(5):
        assert guard.check("k") is None
        guard.sent("k")
        clock.now += 1.0
    verdict = guard.check("k")
    assert verdict is not None and not verdict.refused
    assert verdict.wait_seconds == pytest.approx(55.0)
    clock.now += 55.0
    assert guard.check("k") is None
    assert guard.check("other") is None


def test_request_that_failed_twice_is_refused_for_five_minutes():
    clock = FakeClock()
    guard = InMemoryRepeatGuard(clock)
    guard.sent("k")
    guard.failed("k", "404 NotFound")
    assert guard.check("k") is None
    clock.now += 10
    guard.sent("k")
    guard.failed("k", "404 NotFound")
    verdict = guard.check("k")
    assert verdict is not None and verdict.refused
    assert verdict.wait_seconds == pytest.approx(290.0)
    assert "404 NotFound" in verdict.reason
    clock.now += 290.0
    assert guard.check("k") is None


def test_old_entries_are_pruned_so_memory_stays_bounded():
    clock = FakeClock()
    guard = InMemoryRepeatGuard(clock)
    for number in range(1000):
        guard.sent(f"request-{number}")
        clock.now += 1.0
    # Only the last 5 minutes' worth of distinct requests are remembered.
    assert 290 <= len(guard) <= 301


def test_client_refuses_a_third_try_of_a_request_that_failed_twice():
    fake = FakeErp().on(PATH, error_json(404, {"Message": "not found"}))
    client = make_client(fake)
    for _ in range(2):
        with pytest.raises(errors.NotFound):
            client.supplier_invoices.get("000123")
    with pytest.raises(errors.RepeatedRequestRefused) as caught:
        client.supplier_invoices.get("000123")
    assert len(fake.requests) == 2, "the third request is never sent"
    assert caught.value.wait_seconds == pytest.approx(300.0)
    assert "failed twice" in str(caught.value)
    # A different request is not affected.
    fake.on("/v1/supplierInvoice/000124", ok_json(INVOICE))
    client.supplier_invoices.get("000124")


def test_throttling_does_not_count_as_a_failure():
    throttled = error_json(429, None, **{"Retry-After": "1"})
    fake = FakeErp().on(PATH, throttled, throttled, throttled, ok_json(INVOICE))
    client = make_client(fake, max_retries=0)
    for _ in range(3):
        with pytest.raises(errors.RateLimited):
            client.supplier_invoices.get("000123")
    assert client.supplier_invoices.get("000123").reference_number == "000123"


def test_server_errors_count_and_a_blocked_retry_raises_the_erps_own_error():
    fake = FakeErp().on(PATH, error_json(500, None), error_json(503, None), ok_json(INVOICE))
    client = make_client(fake, max_retries=5)
    with pytest.raises(errors.ServerError) as caught:
        client.supplier_invoices.get("000123")
    assert caught.value.status == 503
    assert len(fake.requests) == 2, "a third identical attempt would be throttled by the ERP"
    with pytest.raises(errors.RepeatedRequestRefused):
        client.supplier_invoices.get("000123")


def test_client_holds_a_sixth_identical_request_by_sleeping_when_within_the_cap():
    clock = FakeClock()
    fake = FakeErp().on(PATH, ok_json(INVOICE))
    client = make_client(fake, clock, retry_after_cap=60.0)
    for _ in range(5):
        client.supplier_invoices.get("000123")
    clock.now += 20.0
    client.supplier_invoices.get("000123")
    assert clock.sleeps == [pytest.approx(40.0)]
    assert len(fake.requests) == 6


def test_client_raises_for_a_sixth_identical_request_when_the_wait_is_too_long():
    clock = FakeClock()
    fake = FakeErp().on(PATH, ok_json(INVOICE))
    client = make_client(fake, clock)
    for _ in range(5):
        client.supplier_invoices.get("000123")
    with pytest.raises(errors.RepeatedRequestRefused) as caught:
        client.supplier_invoices.get("000123")
    assert caught.value.wait_seconds == pytest.approx(60.0)
    assert len(fake.requests) == 5 and clock.sleeps == []


def test_the_body_and_if_match_make_requests_different():
    fake = FakeErp().on(PATH.replace("000123", "Invoice/000123"), error_json(412, None))
    client = make_client(fake)
    body = {"description": {"value": "x"}}
    for etag in ("A", "A", "B"):
        with pytest.raises(errors.PreconditionFailed):
            client.supplier_invoices.update("000123", body, document_type="Invoice", if_match=etag)
    with pytest.raises(errors.RepeatedRequestRefused):
        client.supplier_invoices.update("000123", body, document_type="Invoice", if_match="A")
    with pytest.raises(errors.PreconditionFailed):
        client.supplier_invoices.update(
            "000123", {"description": {"value": "y"}}, document_type="Invoice", if_match="A"
        )
    assert len(fake.requests) == 4
