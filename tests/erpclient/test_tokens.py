"""Visma Connect tokens: the request, caching, renewal 5 minutes early, one refresh in flight."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import httpx
import pytest

from erpclient import (
    ERP_SCOPES,
    SALESORDER_SCOPES,
    AsyncInMemoryTokenStore,
    InMemoryTokenStore,
    Token,
    errors,
    token_key,
)
from erpclient.tokens import AsyncTokenStoreAdapter

from .fakes import TOKEN_JSON, FakeErp, make_async_client, make_client, ok_json

CONTEXT = [{"id": 1, "name": "Demo", "type": "Company"}]
ORDERS = {"value": [], "totalCount": 0, "nextPage": None}


def _form(request: httpx.Request) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(request.content.decode()).items()}


def test_token_request_is_client_credentials_with_tenant_and_scopes():
    fake = FakeErp().on("/resources/v1/context", ok_json(CONTEXT))
    client = make_client(fake)
    client.context.list()
    [request] = fake.token_requests
    assert (
        request.method == "POST" and str(request.url) == "https://connect.visma.com/connect/token"
    )
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert _form(request) == {
        "grant_type": "client_credentials",
        "client_id": "isv_test",
        "client_secret": "very-secret-value",
        "tenant_id": "tenant-1",
        "scope": " ".join(ERP_SCOPES),
    }
    assert fake.requests[0].headers["authorization"] == "Bearer tok-1"


def test_token_is_cached_and_each_service_gets_its_own_scopes():
    fake = (
        FakeErp()
        .on("/resources/v1/context", ok_json(CONTEXT))
        .on("/api/v3/SalesOrders", ok_json(ORDERS))
    )
    client = make_client(fake)
    client.context.list()
    client.context.get()
    client.sales_orders.page()
    client.sales_orders.page(page_number=2)
    scopes = [_form(request)["scope"] for request in fake.token_requests]
    assert scopes == [" ".join(ERP_SCOPES), " ".join(SALESORDER_SCOPES)]


@pytest.mark.parametrize(
    ("minutes_left", "renewed"),
    [(4, True), (6, False), (-1, True)],
    ids=["4min", "6min", "expired"],
)
def test_token_is_renewed_five_minutes_before_expiry(minutes_left, renewed):
    store = InMemoryTokenStore()
    key = token_key("https://connect.visma.com", "isv_test", "tenant-1", ERP_SCOPES)
    store.set(
        key,
        Token(
            "old-token", datetime.now(UTC) + timedelta(minutes=minutes_left), frozenset(ERP_SCOPES)
        ),
    )
    fake = FakeErp().on("/resources/v1/context", ok_json(CONTEXT))
    client = make_client(fake, token_store=store)
    client.context.list()
    assert len(fake.token_requests) == (1 if renewed else 0)
    expected = "tok-1" if renewed else "old-token"
    assert fake.requests[0].headers["authorization"] == f"Bearer {expected}"
    assert store.get(key).access_token == expected


class CountingStore(InMemoryTokenStore):
    """Counts callers arriving at the refresh lock, so the test knows all are queued there."""

    def __init__(self, expected: int) -> None:
        super().__init__()
        self.arrived = 0
        self.all_arrived = threading.Event()
        self._expected = expected
        self._count_lock = threading.Lock()

    def lock(self, key):
        with self._count_lock:
            self.arrived += 1
            if self.arrived == self._expected:
                self.all_arrived.set()
        return super().lock(key)


def test_one_refresh_in_flight_across_threads():
    store = CountingStore(expected=8)
    fake = FakeErp()
    for number in range(8):
        fake.on(f"/v1/supplierInvoice/{number}", ok_json({"referenceNumber": str(number)}))

    def slow_token(request: httpx.Request) -> httpx.Response:
        # Hold the one fetch until all eight callers are queued at the lock.
        assert store.all_arrived.wait(10)
        return httpx.Response(200, json=TOKEN_JSON)

    fake.token_reply = slow_token
    client = make_client(fake, token_store=store)
    results: dict[int, str] = {}
    failures: list[BaseException] = []

    def call(number: int) -> None:
        try:
            results[number] = client.supplier_invoices.get(str(number)).reference_number
        except BaseException as exc:  # collected and asserted below
            failures.append(exc)

    threads = [threading.Thread(target=call, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert failures == []
    assert results == {number: str(number) for number in range(8)}
    assert store.arrived == 8
    assert len(fake.token_requests) == 1
    assert len(fake.requests) == 8


def test_one_refresh_in_flight_across_coroutines():
    fake = FakeErp()
    for number in range(10):
        fake.on(f"/v1/supplierInvoice/{number}", ok_json({"referenceNumber": str(number)}))
    gate = asyncio.Event()

    async def run() -> list[str]:
        client = make_async_client(fake)
        original = client._tokens._fetch

        async def slow_fetch(scopes):
            await gate.wait()
            return await original(scopes)

        client._tokens._fetch = slow_fetch
        calls = [client.supplier_invoices.get(str(number)) for number in range(10)]
        tasks = asyncio.gather(*calls)
        await asyncio.sleep(0.01)
        gate.set()
        invoices = await tasks
        await client.close()
        return [invoice.reference_number for invoice in invoices]

    numbers = asyncio.run(run())
    assert numbers == [str(number) for number in range(10)]
    assert len(fake.token_requests) == 1


def test_clients_sharing_a_store_share_one_token():
    store = InMemoryTokenStore()
    fake = FakeErp().on("/resources/v1/context", ok_json(CONTEXT))
    first = make_client(fake, token_store=store)
    second = make_client(fake, token_store=store)
    first.context.list()
    second.context.list()
    assert len(fake.token_requests) == 1


def test_async_client_accepts_a_sync_store_through_the_adapter():
    store = InMemoryTokenStore()
    fake = FakeErp().on("/resources/v1/context", ok_json(CONTEXT))

    async def run() -> None:
        for wrapped in (store, AsyncTokenStoreAdapter(store, in_thread=True)):
            client = make_async_client(fake, token_store=wrapped)
            await client.context.list()
            await client.close()

    asyncio.run(run())
    assert len(fake.token_requests) == 1


def test_async_in_memory_store_serialises_refreshes():
    store = AsyncInMemoryTokenStore()
    fake = FakeErp().on("/resources/v1/context", ok_json(CONTEXT))

    async def run() -> None:
        clients = [make_async_client(fake, token_store=store) for _ in range(3)]
        await asyncio.gather(*(client.context.list() for client in clients))
        for client in clients:
            await client.close()

    asyncio.run(run())
    assert len(fake.token_requests) == 1


def test_token_server_errors_are_retried_but_token_errors_are_not():
    fake = FakeErp().on("/resources/v1/context", ok_json(CONTEXT))
    replies = [httpx.Response(503), httpx.Response(200, json=TOKEN_JSON)]
    fake.token_reply = lambda request: replies.pop(0)
    client = make_client(fake)
    client.context.list()
    assert len(fake.token_requests) == 2


def test_401_from_the_erp_drops_the_cached_token():
    fake = FakeErp().on("/resources/v1/context", httpx.Response(401), ok_json(CONTEXT))
    client = make_client(fake)
    with pytest.raises(errors.CustomerTenantSuspected):
        client.context.list()
    client.context.get()
    assert len(fake.token_requests) == 2


def test_the_key_and_the_records_never_hold_the_secret_or_the_token():
    key = token_key("https://connect.visma.com", "isv_test", "tenant-1", ERP_SCOPES)
    assert "very-secret-value" not in key
    token = Token("tok-secret", datetime.now(UTC) + timedelta(hours=1))
    assert "tok-secret" not in repr(token)
    fake = FakeErp().on("/resources/v1/context", ok_json(CONTEXT))
    client = make_client(fake)
    client.context.list()
    records = client.recorder.calls
    assert [record.endpoint_family for record in records] == ["token", "context"]
    text = repr(records)
    assert "very-secret-value" not in text and "tok-1" not in text
    assert "very-secret-value" not in repr(client._tokens.credentials)


def test_a_naive_expiry_is_refused():
    with pytest.raises(ValueError, match="aware"):
        Token("t", datetime.now())


def test_token_on_demand_cached_or_fresh():
    fake = FakeErp()
    replies = [
        httpx.Response(200, json={**TOKEN_JSON, "access_token": "first"}),
        httpx.Response(200, json={**TOKEN_JSON, "access_token": "second"}),
    ]
    fake.token_reply = lambda request: replies.pop(0)
    client = make_client(fake)
    assert client.token().access_token == "first"
    assert client.token().access_token == "first"
    assert client.token(fresh=True).access_token == "second"
    assert client.token().access_token == "second"
    assert len(fake.token_requests) == 2
