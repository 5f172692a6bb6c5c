"""Every error class the sandbox can provoke, over real HTTP."""

from __future__ import annotations

import pytest

from erpclient import (
    InMemoryLimiter,
    LimitDecision,
    LimitRequest,
    NewSalesOrder,
    OrderCustomer,
    OrderLine,
    errors,
)

from .conftest import demo_tenant, sandbox_requests
from .fakes import FakeClock

HEALTHY = demo_tenant("healthy")


@pytest.mark.parametrize(
    ("scenario", "expected", "words"),
    [
        ("not_approved", errors.InvalidTenant, "approved"),
        ("missing_api_user_role", errors.InvalidTenant, "API User"),
        ("customer_tenant", errors.CustomerTenantSuspected, "customer tenant id"),
        ("no_license", errors.LicenseMissing, "No license"),
        ("company_context", errors.CompanyContextError, "ipp-company-id"),
    ],
)
def test_tenant_problems_become_typed_errors(erp, scenario, expected, words):
    client = erp(scenario)
    with pytest.raises(errors.ErpError) as caught:
        client.context.get()
    assert type(caught.value) is expected
    assert words in str(caught.value)


def test_wrong_secret_is_invalid_client_and_never_shows_the_secret(erp):
    client = erp(client_secret="not-the-secret")
    with pytest.raises(errors.InvalidClient) as caught:
        client.context.get()
    assert caught.value.error == "invalid_client"
    assert "not-the-secret" not in repr(caught.value) and "not-the-secret" not in str(
        caught.value.body
    )


def test_unapproved_salesorder_scope_is_invalid_scope_while_financials_work(erp):
    client = erp("salesorder_scope_missing")
    assert client.context.get().id == demo_tenant("salesorder_scope_missing")["company_id"]
    with pytest.raises(errors.InvalidScope) as caught:
        client.sales_orders.page()
    assert "visma.net.erp.salesorder" in caught.value.message


def test_a_token_without_the_write_scope_gets_scope_missing(erp):
    client = erp(salesorder_scopes=("visma.net.erp.salesorder:read",))
    assert client.sales_orders.page(page_size=1).items
    with pytest.raises(errors.ScopeMissing) as caught:
        client.sales_orders.create({"type": "SO", "customer": {"id": "10000"}})
    assert caught.value.missing_scopes == ("visma.net.erp.salesorder:write",)
    assert caught.value.status == 403


def test_salesorders_service_refusing_the_company_is_forbidden(erp):
    with pytest.raises(errors.Forbidden) as caught:
        erp("no_license").sales_orders.page()
    assert caught.value.status == 403 and type(caught.value) is errors.Forbidden


def test_unknown_invoice_is_not_found_and_a_third_try_is_never_sent(sandbox, erp):
    client = erp()
    for _ in range(2):
        with pytest.raises(errors.NotFound):
            client.supplier_invoices.get("999999", "Invoice")
    with pytest.raises(errors.RepeatedRequestRefused):
        client.supplier_invoices.get("999999", "Invoice")
    sent = [
        entry
        for entry in sandbox_requests(sandbox, tenant_id=HEALTHY["tenant_id"])
        if entry["path"].endswith("/999999")
    ]
    assert len(sent) == 2


def test_financials_business_error_is_validation_failed_with_the_erps_words(erp):
    client = erp()
    held = client.supplier_invoices.page(page_size=50, status="Hold", document_type="Invoice")
    assert held.items
    with pytest.raises(errors.ValidationFailed) as caught:
        client.supplier_invoices.release(held.items[0].number, document_type="Invoice")
    assert "on hold" in caught.value.message
    assert caught.value.visma_id  # "VismaId: <guid>." is split off the message


def test_salesorder_validation_maps_fields_and_lines(erp):
    client = erp()
    order = NewSalesOrder(
        type="SO",
        customer=OrderCustomer(id="99999"),
        lines=[
            OrderLine(inventory_id="STOCKITEM1", quantity=1),
            OrderLine(inventory_id="NO-SUCH-ITEM", quantity=1),
        ],
    )
    with pytest.raises(errors.ValidationFailed) as caught:
        client.sales_orders.create(order)
    error = caught.value
    assert "customer.id" in error.field_errors
    assert 1 in error.line_errors and "inventoryId" in error.line_errors[1]
    assert 0 not in error.line_errors
    assert any(code.startswith("1804") for code, _, _ in error.error_codes)


def test_spent_hourly_budget_is_rate_limited_with_retry_after(sandbox, erp):
    client = erp()
    client.context.get()
    sandbox.control(
        "POST",
        "/_sandbox/usage",
        {"tenant_id": HEALTHY["tenant_id"], "client_id": client.client_id, "used": 500},
    )
    with pytest.raises(errors.RateLimited) as caught:
        client.supplier_invoices.page(page_size=1)
    error = caught.value
    assert error.retry_after and error.retry_after > 0
    assert error.remaining == 0 and error.limit == 500 and error.policy


def test_a_short_retry_after_is_waited_out_and_the_call_succeeds(
    sandbox, erp, advance_sandbox_clock
):
    # One clock for the sandbox and the client's limiter: sleeping moves both.
    clock = FakeClock()

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        advance_sandbox_clock(seconds)

    client = erp(sleep=sleep, limiter=InMemoryLimiter(clock=clock))
    client.context.get()
    # Move the sandbox to 10 s before its hourly window ends, then spend the window.
    reset = client.last_ratelimit.reset_seconds
    advance_sandbox_clock(max(reset - 10, 0))
    sandbox.control(
        "POST",
        "/_sandbox/usage",
        {"tenant_id": HEALTHY["tenant_id"], "client_id": client.client_id, "used": 500},
    )
    page = client.supplier_invoices.page(page_size=1)
    assert page.items
    statuses = [c.status for c in client.recorder.calls if c.endpoint_family == "supplierInvoice"]
    assert statuses == [429, 200]
    throttled = next(c for c in client.recorder.calls if c.status == 429)
    assert 0 < throttled.retry_after <= 30


def test_in_memory_limiter_holds_the_call_after_the_erp_says_none_are_left(sandbox, erp):
    client = erp(limiter=InMemoryLimiter())
    client.context.get()
    sandbox.control(
        "POST",
        "/_sandbox/usage",
        {"tenant_id": HEALTHY["tenant_id"], "client_id": client.client_id, "used": 499},
    )
    client.supplier_invoices.page(page_size=1)
    assert client.last_ratelimit.remaining == 0
    before = len(sandbox_requests(sandbox))
    with pytest.raises(errors.BudgetHeld) as caught:
        client.supplier_invoices.page(page_size=2)
    assert caught.value.wait_seconds > 0
    assert len(sandbox_requests(sandbox)) == before, "nothing was sent"


def test_refusing_limiter_sends_nothing(sandbox, erp):
    class Refuse:
        def acquire(self, request: LimitRequest) -> LimitDecision:
            return LimitDecision.refuse("company paused by staff")

    client = erp(limiter=Refuse())
    with pytest.raises(errors.BudgetRefused, match="paused by staff"):
        client.context.get()
    assert sandbox_requests(sandbox) == []


def _faults(sandbox, **settings):
    sandbox.control("POST", "/_sandbox/faults", {"tenant_id": HEALTHY["tenant_id"], **settings})


def test_server_errors_are_retried_until_the_erp_would_throttle_the_repeat(sandbox, erp):
    client = erp(max_retries=3)
    client.context.get()
    _faults(sandbox, error_rate=1.0)
    with pytest.raises(errors.ServerError):
        client.supplier_invoices.page(page_size=1)
    attempts = [c.attempt for c in client.recorder.calls if c.endpoint_family == "supplierInvoice"]
    # The sandbox, like the ERP's ClientErrorLimit, throttles a third identical failed request.
    assert attempts == [1, 2]
    statuses = [c.status for c in client.recorder.calls if c.endpoint_family == "supplierInvoice"]
    assert 429 not in statuses


def test_dropped_connections_are_connection_errors(sandbox, erp):
    client = erp(max_retries=1)
    client.context.get()
    _faults(sandbox, reset_rate=1.0)
    with pytest.raises(errors.ErpConnectionError) as caught:
        client.supplier_invoices.page(page_size=1)
    assert caught.value.status is None


def test_hung_requests_are_timeouts(sandbox, erp):
    client = erp(max_retries=0, timeout=1.0)
    client.context.get()
    _faults(sandbox, timeout_rate=1.0)
    with pytest.raises(errors.ErpTimeout):
        client.supplier_invoices.page(page_size=1)


def test_flaky_tenant_reads_succeed_through_retries(erp):
    client = erp("flaky", max_retries=4)
    pages = [client.supplier_invoices.page(page_number=n, page_size=5) for n in range(1, 6)]
    assert all(page.items for page in pages)
    kinds = {c.error_kind for c in client.recorder.calls}
    assert kinds & {"server_error", "connection_error"}, "the flaky tenant failed at least once"
