"""Retry rules at the transport: what is retried, how often, and how long the client waits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from erpclient import NewSalesOrder, OrderCustomer, RetryPolicy, errors

from .fakes import TOKEN_JSON as TOKEN
from .fakes import FakeClock, FakeErp, error_json, make_client, ok_json

INVOICE = {"referenceNumber": "000123", "documentType": "Invoice", "timeStamp": "AAAAAE0YIiI="}
GET_PATH = "/v1/supplierInvoice/000123"
PUT_PATH = "/v1/supplierInvoice/Invoice/000123"
CREATED = httpx.Response(
    201, headers={"Location": "https://salesorder.visma.net/api/v3/SalesOrders/SO/000223"}
)


def test_get_is_retried_after_5xx_with_backoff_then_succeeds():
    clock = FakeClock()
    fake = FakeErp().on(
        GET_PATH, error_json(503, None), httpx.ConnectError("down"), ok_json(INVOICE)
    )
    client = make_client(fake, clock)
    invoice = client.supplier_invoices.get("000123")
    assert invoice.reference_number == "000123"
    assert len(fake.requests) == 3
    # 0.5 s then 1 s, each with up to 25 % taken off at random.
    assert len(clock.sleeps) == 2
    assert 0.375 <= clock.sleeps[0] <= 0.5
    assert 0.75 <= clock.sleeps[1] <= 1.0
    attempts = [call.attempt for call in client.recorder.calls if call.endpoint_family != "token"]
    assert attempts == [1, 2, 3]


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("reset")],
    ids=["connect-error", "timeout", "reset"],
)
def test_get_is_retried_after_a_transport_failure(failure):
    fake = FakeErp().on(GET_PATH, failure, ok_json(INVOICE))
    client = make_client(fake)
    assert client.supplier_invoices.get("000123").reference_number == "000123"
    assert len(fake.requests) == 2
    failed = next(call for call in client.recorder.calls if call.endpoint_family != "token")
    assert failed.status is None
    assert failed.error_kind in ("connection_error", "timeout")


def test_timeout_becomes_erp_timeout_after_the_last_attempt():
    fake = FakeErp().on(GET_PATH, httpx.ReadTimeout("slow"))
    client = make_client(fake, max_retries=1)
    with pytest.raises(errors.ErpTimeout) as caught:
        client.supplier_invoices.get("000123")
    assert caught.value.status is None and caught.value.path == GET_PATH
    assert len(fake.requests) == 2


@pytest.mark.parametrize("max_retries", [0, 1, 3])
def test_max_attempts_is_one_plus_max_retries(max_retries):
    fake = FakeErp().on(GET_PATH, httpx.ConnectError("refused"))
    client = make_client(fake, max_retries=max_retries)
    with pytest.raises(errors.ErpConnectionError):
        client.supplier_invoices.get("000123")
    assert len(fake.requests) == max_retries + 1


def test_post_action_is_never_retried_after_5xx():
    fake = FakeErp().on(GET_PATH + "/action/release", error_json(503, None))
    client = make_client(fake)
    with pytest.raises(errors.ServerError):
        client.supplier_invoices.release("000123")
    assert len(fake.requests) == 1


def test_post_is_never_retried_after_a_connection_failure():
    fake = FakeErp().on("/api/v3/SalesOrders", httpx.ReadTimeout("slow"), CREATED)
    client = make_client(fake)
    order = NewSalesOrder(type="SO", customer=OrderCustomer(id="10000"))
    with pytest.raises(errors.ErpTimeout):
        client.sales_orders.create(order)
    assert len(fake.requests) == 1


def test_post_marked_idempotent_with_own_order_number_is_retried():
    fake = FakeErp().on("/api/v3/SalesOrders", httpx.ReadTimeout("slow"), CREATED)
    client = make_client(fake)
    order = NewSalesOrder(type="SO", customer=OrderCustomer(id="10000"), order_id="WEB-1001")
    created = client.sales_orders.create(order, idempotent=True)
    assert (created.type, created.order_id) == ("SO", "000223")
    assert len(fake.requests) == 2
    assert fake.requests[0].content == fake.requests[1].content


def test_marking_idempotent_without_own_order_number_is_refused():
    fake = FakeErp().on("/api/v3/SalesOrders", CREATED)
    client = make_client(fake)
    with pytest.raises(ValueError, match="own orderId"):
        client.sales_orders.create({"type": "SO", "customer": {"id": "1"}}, idempotent=True)
    assert fake.requests == []


def test_put_with_if_match_is_retried_but_without_is_not():
    fake = FakeErp().on(PUT_PATH, error_json(503, None), httpx.Response(204))
    client = make_client(fake)
    body = {"description": {"value": "new"}}
    result = client.supplier_invoices.update(
        "000123", body, document_type="Invoice", if_match="AAAAAE0YIiI="
    )
    assert result.status == 204 and len(fake.requests) == 2

    fake = FakeErp().on(PUT_PATH, error_json(503, None), httpx.Response(204))
    client = make_client(fake)
    with pytest.raises(errors.ServerError):
        client.supplier_invoices.update("000123", body, document_type="Invoice")
    assert len(fake.requests) == 1


def _retry_after(form: str, seconds: int) -> str:
    if form == "seconds":
        return str(seconds)
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds), usegmt=True)


@pytest.mark.parametrize("status", [429, 503], ids=["throttled", "unavailable"])
@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_429_within_the_cap_is_waited_out_and_retried(form, status):
    """A 503 with Retry-After (saying when to come back) is waited out the same way."""
    clock = FakeClock()
    throttled = error_json(status, None, **{"Retry-After": _retry_after(form, 20)})
    fake = FakeErp().on(GET_PATH, throttled, ok_json(INVOICE))
    client = make_client(fake, clock)
    client.supplier_invoices.get("000123")
    assert len(fake.requests) == 2
    [slept] = clock.sleeps
    # At least what the ERP asked (an HTTP date loses up to a second), never past the cap
    # (and for a 503 not the 0.5 s backoff).
    assert 18.5 <= slept <= 30.0
    failed = next(call for call in client.recorder.calls if call.status == status)
    assert failed.retry_after is not None and failed.retry_after >= 18.5


@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_429_beyond_the_cap_is_raised_at_once(form):
    clock = FakeClock()
    throttled = error_json(429, None, **{"Retry-After": _retry_after(form, 45)})
    fake = FakeErp().on(GET_PATH, throttled, ok_json(INVOICE))
    client = make_client(fake, clock)
    with pytest.raises(errors.RateLimited) as caught:
        client.supplier_invoices.get("000123")
    assert 43.0 <= caught.value.retry_after <= 45.0
    assert len(fake.requests) == 1 and clock.sleeps == []


def test_the_cap_is_configurable_per_client_and_per_call():
    throttled = error_json(429, None, **{"Retry-After": "5"})
    fake = FakeErp().on(GET_PATH, throttled, throttled, ok_json(INVOICE))
    client = make_client(fake, retry_after_cap=2.0)
    with pytest.raises(errors.RateLimited):
        client.supplier_invoices.get("000123")
    assert len(fake.requests) == 1
    relaxed = client.with_options(retry_after_cap=10.0)
    relaxed.supplier_invoices.get("000123")
    assert len(fake.requests) == 3


def test_429_without_retry_after_is_raised():
    fake = FakeErp().on(GET_PATH, error_json(429, None), ok_json(INVOICE))
    client = make_client(fake)
    with pytest.raises(errors.RateLimited) as caught:
        client.supplier_invoices.get("000123")
    assert caught.value.retry_after is None and len(fake.requests) == 1


def test_throttled_post_is_retried_because_the_erp_did_not_carry_it_out():
    fake = FakeErp().on(
        GET_PATH + "/action/release",
        error_json(429, None, **{"Retry-After": "1"}),
        ok_json({"actionId": "a1", "actionResult": "Done"}),
    )
    client = make_client(fake)
    result = client.supplier_invoices.release("000123")
    assert result.action_result == "Done" and len(fake.requests) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 412])
def test_client_errors_are_never_retried(status):
    fake = FakeErp().on(GET_PATH, error_json(status, {"Message": "no"}), ok_json(INVOICE))
    client = make_client(fake)
    with pytest.raises(errors.ErpError):
        client.supplier_invoices.get("000123")
    assert len(fake.requests) == 1


def test_backoff_jitter_stays_within_bounds():
    lowest = RetryPolicy(random=lambda: 1.0)
    highest = RetryPolicy(random=lambda: 0.0)
    for retry_number, full in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (9, 8.0)]:
        assert lowest.backoff(retry_number) == pytest.approx(full * 0.75)
        assert highest.backoff(retry_number) == pytest.approx(full)


def test_retry_after_delay_never_shorter_than_asked_nor_past_the_cap():
    policy = RetryPolicy(retry_after_cap=30.0, random=lambda: 1.0)
    assert policy.after_retry_after(10.0) == pytest.approx(11.0)
    assert policy.after_retry_after(29.0) == pytest.approx(30.0)
    assert RetryPolicy(random=lambda: 0.0).after_retry_after(10.0) == pytest.approx(10.0)


@pytest.mark.parametrize(
    "kwargs", [{"max_retries": -1}, {"retry_after_cap": -1}, {"jitter": 1.0}, {"jitter": -0.1}]
)
def test_bad_retry_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)


def test_503_with_retry_after_beyond_the_cap_is_raised_at_once_with_the_wait():
    clock = FakeClock()
    unavailable = error_json(503, None, **{"Retry-After": "120"})
    fake = FakeErp().on(GET_PATH, unavailable, ok_json(INVOICE))
    client = make_client(fake, clock)
    with pytest.raises(errors.ServerError) as caught:
        client.supplier_invoices.get("000123")
    assert caught.value.retry_after == 120.0 and "retry after 120 s" in str(caught.value)
    assert len(fake.requests) == 1 and clock.sleeps == []


def test_503_with_retry_after_on_a_post_is_not_retried():
    clock = FakeClock()
    unavailable = error_json(503, None, **{"Retry-After": "1"})
    fake = FakeErp().on("/api/v3/SalesOrders", unavailable, CREATED)
    client = make_client(fake, clock)
    with pytest.raises(errors.ServerError) as caught:
        client.sales_orders.create(NewSalesOrder(type="SO", customer=OrderCustomer(id="1")))
    assert caught.value.retry_after == 1.0
    assert len(fake.requests) == 1 and clock.sleeps == []


def test_a_token_request_answered_503_with_retry_after_waits_as_asked():
    clock = FakeClock()
    fake = FakeErp().on(GET_PATH, ok_json(INVOICE))
    answers = [error_json(503, None, **{"Retry-After": "7"}), httpx.Response(200, json=TOKEN)]
    fake.token_reply = lambda request: answers.pop(0)
    client = make_client(fake, clock)
    client.supplier_invoices.get("000123")
    assert len(fake.token_requests) == 2
    [slept] = clock.sleeps
    assert 7.0 <= slept <= 7.7
