"""The Background API flow over real HTTP: 202, polling to the end, content, webhooks, expiry.

The clients here sleep by moving the sandbox's clock, so polling takes no real time and the
sandbox runs the queued work when it falls due.
"""

from __future__ import annotations

import dataclasses

import pytest

from erpclient import (
    Background,
    BackgroundAccepted,
    BackgroundState,
    ErpClient,
    WriteResult,
    errors,
)

from .conftest import demo_tenant

HEALTHY = demo_tenant("healthy")


def _balanced(client, count: int):
    invoices = list(
        client.supplier_invoices.list(page_size=100, status="Balanced", document_type="Invoice")
    )
    assert len(invoices) >= count
    return invoices[:count]


def test_release_in_the_background_then_wait_content_and_real_state(sandbox, erp):
    client = erp()
    [invoice] = _balanced(client, 1)
    accepted = client.supplier_invoices.release(
        invoice.number, document_type="Invoice", background=Background.subscription(job="42")
    )
    assert isinstance(accepted, BackgroundAccepted) and accepted.id
    assert accepted.state_location.startswith(sandbox.url + "/v1/background/")
    state = client.background.wait(accepted)
    assert isinstance(state, BackgroundState)
    assert state.status == "Finished" and state.status_code == 200 and state.succeeded
    assert state.webhook_address == "subscription"
    assert state.original_uri.endswith(
        f"/v1/supplierInvoice/Invoice/{invoice.number}/action/release"
    )
    content = client.background.content(accepted)
    assert content.data["actionResult"] == "Done"
    assert client.supplier_invoices.get(invoice.number, "Invoice").status == "Open"
    polls = [c for c in client.recorder.calls if c.path_template == "/v1/background/{requestId}"]
    assert polls and len(polls) <= 5


def test_subscription_correlation_comes_back_as_webhook_headers(sandbox, erp):
    sandbox.control(
        "POST",
        "/_sandbox/clients",
        {
            "client_id": "isv_hooks",
            "client_secret": "hooks-secret",
            "webhook_url": "http://127.0.0.1:9/erp-hooks",
        },
    )
    tenant = {"tenant_id": "0b1c2d3e-4f50-4617-8283-94a5b6c7d8e9", "company_id": 4799001}
    sandbox.control(
        "POST",
        "/_sandbox/tenants",
        {**tenant, "client_ids": ["isv_hooks"], "with_demo_documents": True},
    )
    client = ErpClient.sandbox(
        sandbox.url,
        client_id="isv_hooks",
        client_secret="hooks-secret",
        tenant_id=tenant["tenant_id"],
        sleep=lambda seconds: sandbox.control(
            "POST", "/_sandbox/clock", {"advance_seconds": seconds}
        ),
    )
    with client:
        [invoice] = _balanced(client, 1)
        accepted = client.supplier_invoices.void(
            invoice.number, background=Background.subscription(portal_job="j-7", tenant="t1")
        )
        client.background.wait(accepted)
    [hook] = [
        h for h in sandbox.control("GET", "/_sandbox/webhooks") if h["operation_id"] == accepted.id
    ]
    assert hook["url"] == "http://127.0.0.1:9/erp-hooks"
    assert hook["headers"]["portal_job"] == "j-7" and hook["headers"]["tenant"] == "t1"


def test_legacy_url_mode_notifies_that_url(sandbox, erp):
    client = erp()
    [invoice] = _balanced(client, 1)
    accepted = client.supplier_invoices.send_to_approval(
        invoice.number, background=Background.url("http://127.0.0.1:9/legacy-hook")
    )
    state = client.background.wait(accepted)
    assert state.webhook_address == "http://127.0.0.1:9/legacy-hook"
    hooks = [
        h for h in sandbox.control("GET", "/_sandbox/webhooks") if h["operation_id"] == accepted.id
    ]
    assert hooks and hooks[0]["url"] == "http://127.0.0.1:9/legacy-hook"


def test_update_in_the_background_with_if_match(erp):
    client = erp()
    [invoice] = _balanced(client, 1)
    accepted = client.supplier_invoices.update(
        invoice.number,
        {"description": {"value": "Updated in the background"}},
        document_type="Invoice",
        if_match=invoice,
        background=Background.none(),
    )
    assert isinstance(accepted, BackgroundAccepted)
    state = client.background.wait(accepted)
    assert state.succeeded and state.status_code == 204
    assert client.supplier_invoices.get(invoice.number, "Invoice").description == (
        "Updated in the background"
    )


def test_stale_if_match_fails_the_background_operation_with_412(sandbox, erp):
    client = erp()
    [invoice] = _balanced(client, 1)
    sandbox.control(
        "POST",
        f"/_sandbox/tenants/{HEALTHY['tenant_id']}/supplier-invoices/Invoice/{invoice.number}/touch",
    )
    accepted = client.supplier_invoices.release(
        invoice.number, document_type="Invoice", if_match=invoice, background=Background.none()
    )
    state = client.background.wait(accepted)
    assert state.failed and state.status_code == 412
    assert client.supplier_invoices.get(invoice.number, "Invoice").status == "Balanced"


def test_wait_gives_up_after_its_polls(erp):
    client = erp()
    [invoice] = _balanced(client, 1)
    accepted = client.supplier_invoices.prebook(
        invoice.number, account="6800", background=Background.none()
    )
    with pytest.raises(errors.BackgroundWaitTimeout) as caught:
        client.background.wait(accepted, max_polls=1)
    assert caught.value.state.status == "Started"
    assert client.background.wait(accepted).succeeded


def test_state_and_content_are_gone_after_24_hours(sandbox, erp, advance_sandbox_clock):
    client = erp()
    [invoice] = _balanced(client, 1)
    accepted = client.supplier_invoices.release(
        invoice.number, document_type="Invoice", background=Background.none()
    )
    client.background.wait(accepted)
    advance_sandbox_clock(25 * 3600)
    # The sandbox's clock also expired the cached token; a new client fetches a fresh one.
    later = erp()
    with pytest.raises(errors.Gone):
        later.background.content(accepted)
    with pytest.raises(errors.NotFound):
        later.background.state(accepted.id)


def test_a_state_location_off_the_erp_host_is_never_followed(sandbox, erp):
    client = erp()
    [invoice] = _balanced(client, 1)
    accepted = client.supplier_invoices.release(
        invoice.number, document_type="Invoice", background=Background.none()
    )
    forged = dataclasses.replace(
        accepted, state_location=accepted.state_location.replace("127.0.0.1", "localhost")
    )
    before = len(sandbox.control("GET", "/_sandbox/requests"))
    with pytest.raises(errors.UntrustedLocation):
        client.background.wait(forged)
    assert len(sandbox.control("GET", "/_sandbox/requests")) == before


def test_attachment_in_the_background(erp):
    client = erp()
    [invoice] = _balanced(client, 1)
    accepted = client.supplier_invoices.attach(
        invoice.number, filename="late.pdf", content=b"%PDF late", background=Background.none()
    )
    assert isinstance(accepted, BackgroundAccepted)
    assert client.background.wait(accepted).status_code == 201
    direct = client.supplier_invoices.attach(invoice.number, filename="now.pdf", content=b"%PDF")
    assert isinstance(direct, WriteResult)
    names = [a.name for a in client.supplier_invoices.get(invoice.number, "Invoice").attachments]
    assert {"late.pdf", "now.pdf"} <= set(names)
