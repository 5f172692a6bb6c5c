"""A refused tenant fails fast: Visma Connect's refusal is remembered briefly for the credentials
it was given for, and a fresh-token request or other credentials ask again."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from erpclient import AsyncInMemoryTokenStore, InMemoryTokenStore, Service, errors
from erpclient.tokens import TokenRefusal

from .conftest import demo_tenant, sandbox_requests
from .fakes import FakeErp, error_json, make_async_client, make_client, ok_json

NOT_APPROVED = demo_tenant("not_approved")
INVOICE = {"referenceNumber": "000123"}


def refused(request: httpx.Request | None = None) -> httpx.Response:
    return error_json(
        400,
        {"error": "invalid_tenant", "error_description": "The tenant has not approved the app."},
    )


def _token_requests(sandbox) -> list[dict]:
    """The token requests for the refused tenant (the log names no tenant for a refusal, so the
    form body says which)."""
    return [
        entry
        for entry in sandbox_requests(sandbox)
        if entry["path"] == "/connect/token" and NOT_APPROVED["tenant_id"] in str(entry["body"])
    ]


def test_a_refused_tenant_asks_visma_connect_once_for_every_client_sharing_the_store(sandbox, erp):
    shared = InMemoryTokenStore()
    first, second = erp("not_approved", token_store=shared), erp("not_approved", token_store=shared)
    with pytest.raises(errors.InvalidTenant):
        first.context.get()
    for client in (first, second, first):
        with pytest.raises(errors.InvalidTenant) as caught:
            client.supplier_invoices.page(page_size=1)
        assert "not asked again before" in caught.value.message
        assert caught.value.error == "invalid_tenant" and caught.value.status == 400
    assert len(_token_requests(sandbox)) == 1
    assert [call.endpoint_family for call in second.recorder.calls] == []  # nothing was sent


def test_a_fresh_token_request_asks_again(sandbox, erp):
    client = erp("not_approved")
    with pytest.raises(errors.InvalidTenant):
        client.context.get()
    with pytest.raises(errors.InvalidTenant) as caught:
        client.token(Service.ERP, fresh=True)
    assert "not asked again" not in caught.value.message  # Visma Connect's own answer
    assert len(_token_requests(sandbox)) == 2


def test_other_credentials_are_asked_about_at_once(sandbox, erp):
    shared = InMemoryTokenStore()
    with pytest.raises(errors.InvalidTenant):
        erp("not_approved", token_store=shared).context.get()
    with pytest.raises(errors.InvalidClient):
        erp("not_approved", token_store=shared, client_secret="a-new-secret").context.get()
    assert len(_token_requests(sandbox)) == 2


def test_a_refusal_is_remembered_only_for_its_time():
    refusal = TokenRefusal.of("invalid_tenant", "no", 400, "secret", seconds=60)
    assert refusal.applies_to("secret")
    assert not refusal.applies_to("another secret")
    assert not refusal.applies_to("secret", now=datetime.now(UTC) + timedelta(seconds=61))
    assert "secret" not in repr(refusal) and "secret" not in refusal.credentials
    assert TokenRefusal.from_dict(refusal.as_dict()) == refusal


@pytest.mark.parametrize(
    ("answer", "options"),
    [
        (refused(), {"token_refusal_seconds": 0}),
        (error_json(503, None), {}),
        (error_json(429, None, **{"Retry-After": "600"}), {}),
    ],
    ids=["memory-off", "outage", "throttle"],
)
def test_every_call_asks_when_the_memory_is_off_or_the_answer_was_no_refusal(answer, options):
    fake = FakeErp().on("/v1/supplierInvoice/000123", ok_json(INVOICE))
    fake.token_reply = lambda request: answer
    client = make_client(fake, max_retries=0, **options)
    for _ in range(2):
        with pytest.raises(errors.ErpError):
            client.supplier_invoices.get("000123")
    assert len(fake.token_requests) == 2


def test_a_new_token_clears_the_refusal():
    store = InMemoryTokenStore()
    fake = FakeErp().on("/v1/supplierInvoice/000123", ok_json(INVOICE))
    fake.token_reply = refused
    client = make_client(fake, token_store=store)
    with pytest.raises(errors.InvalidTenant):
        client.supplier_invoices.get("000123")
    fake.token_reply = None  # the customer approved the app
    client.token(fresh=True)
    assert client.supplier_invoices.get("000123").reference_number == "000123"
    assert len(fake.token_requests) == 2


def test_the_async_client_remembers_the_refusal_too():
    fake = FakeErp().on("/v1/supplierInvoice/000123", ok_json(INVOICE))
    fake.token_reply = refused

    async def run() -> None:
        async with make_async_client(fake, token_store=AsyncInMemoryTokenStore()) as client:
            for _ in range(3):
                with pytest.raises(errors.InvalidTenant):
                    await client.supplier_invoices.get("000123")

    asyncio.run(run())
    assert len(fake.token_requests) == 1


def test_a_negative_time_is_refused():
    with pytest.raises(ValueError, match="token_refusal_seconds"):
        make_client(FakeErp(), token_refusal_seconds=-1)


def test_a_sync_store_without_refusals_still_works():
    class TokensOnly:
        def __init__(self) -> None:
            self.inner = InMemoryTokenStore()
            self.get, self.set, self.delete = self.inner.get, self.inner.set, self.inner.delete
            self.lock = self.inner.lock

    fake = FakeErp().on("/v1/supplierInvoice/000123", ok_json(INVOICE))
    fake.token_reply = refused
    client = make_client(fake, token_store=TokensOnly())
    for _ in range(2):
        with pytest.raises(errors.InvalidTenant):
            client.supplier_invoices.get("000123")
    assert len(fake.token_requests) == 2
    assert fake.requests == []  # the ERP itself was never asked
