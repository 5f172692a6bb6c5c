"""``client.supplier_payments`` against the sandbox over real HTTP."""

from __future__ import annotations

import pytest

from erpclient import Background, BackgroundAccepted, PreconditionFailed
from tests.erpclient.conftest import sandbox_requests


def test_list_get_and_release_through_the_background_api(erp, sandbox):
    client = erp()
    page = client.supplier_payments.page(page_size=5, status="Balanced")
    assert page.items and all(p.status == "Balanced" for p in page.items)
    payment = client.supplier_payments.get(page.items[0].number)
    assert payment.etag and payment.etag.startswith('"')
    assert payment.payment_lines and payment.payment_lines[0].invoice_ref_nbr

    accepted = client.supplier_payments.release(
        payment.number,
        payment_type="Payment",
        if_match=payment,
        background=Background.subscription({"x-job-id": "t1"}),
    )
    assert isinstance(accepted, BackgroundAccepted)
    state = client.background.wait(accepted)
    assert state.succeeded
    assert client.supplier_payments.get(payment.number).status in ("Closed", "Open")
    sent = [r for r in sandbox_requests(sandbox) if r["path"].endswith("/action/release")]
    assert len(sent) == 1
    assert sent[0]["headers"].get("if-match") == payment.etag


def test_a_stale_etag_on_a_put_is_a_precondition_failure(erp, sandbox):
    client = erp()
    payment = client.supplier_payments.get("300001")
    sandbox.control(
        "POST",
        f"/_sandbox/tenants/{client.tenant_id}/supplier-payments/Payment/300001/touch",
        {"description": "Changed elsewhere"},
    )
    with pytest.raises(PreconditionFailed):
        client.supplier_payments.update(
            "300001", {"description": {"value": "Mine"}}, if_match=payment
        )
