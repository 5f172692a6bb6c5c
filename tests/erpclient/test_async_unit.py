"""The async client at the transport: the same rules as the sync one."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from erpclient import AsyncErpClient, AsyncPage, errors

from .fakes import FakeClock, FakeErp, error_json, make_async_client, ok_json


def _run(coroutine):
    return asyncio.run(coroutine)


def test_async_retries_a_get_and_records_attempts():
    clock = FakeClock()
    fake = FakeErp().on(
        "/v1/supplierInvoice/1", error_json(503, None), ok_json({"referenceNumber": "1"})
    )

    async def run():
        async with make_async_client(fake, clock) as client:
            invoice = await client.supplier_invoices.get("1")
            return invoice, client.recorder.wrapped.calls

    invoice, calls = _run(run())
    assert invoice.reference_number == "1"
    assert [call.attempt for call in calls if call.endpoint_family != "token"] == [1, 2]
    assert len(clock.sleeps) == 1


def test_async_auto_paging_walks_financials_pages():
    def page(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["pageNumber"])
        rows = [
            {"referenceNumber": f"{number}-{i}", "metadata": {"totalCount": 5, "maxPageSize": 2}}
            for i in range(2 if number < 3 else 1)
        ]
        return ok_json(rows)

    fake = FakeErp().on("/v1/supplierInvoice", page)

    async def run():
        async with make_async_client(fake) as client:
            return [
                invoice.reference_number
                async for invoice in client.supplier_invoices.list(page_size=10)
            ]

    numbers = _run(run())
    assert numbers == ["1-0", "1-1", "2-0", "2-1", "3-0"]
    # pageSize 10 was capped by the ERP at maxPageSize 2; paging went on regardless.
    assert [r.url.params["pageNumber"] for r in fake.requests] == ["1", "2", "3"]


def test_async_v3_pages_count_from_one_and_send_a_zero_based_index():
    def orders(request: httpx.Request) -> httpx.Response:
        index = int(request.url.params["pageIndex"])
        return ok_json(
            {
                "value": [{"type": "SO", "orderId": str(index)}],
                "totalCount": 2,
                "nextPage": "https://salesorder.visma.net/x" if index == 0 else None,
            }
        )

    fake = FakeErp().on("/api/v3/SalesOrders", orders)

    async def run():
        async with make_async_client(fake) as client:
            first = await client.sales_orders.page(page_size=1)
            everything = [order.order_id async for order in first.auto_paging_iter()]
            return first, everything

    first, everything = _run(run())
    assert isinstance(first, AsyncPage) and first.page_number == 1 and first.has_next
    assert everything == ["0", "1"]
    assert [r.url.params["pageIndex"] for r in fake.requests] == ["0", "1"]


def test_async_post_is_not_retried():
    fake = FakeErp().on("/api/v3/SalesOrders", httpx.ReadTimeout("slow"))

    async def run():
        async with make_async_client(fake) as client:
            await client.sales_orders.create({"type": "SO", "customer": {"id": "1"}})

    with pytest.raises(errors.ErpTimeout):
        _run(run())
    assert len(fake.requests) == 1


def test_async_sandbox_constructor_points_everything_at_one_origin():
    async def run():
        client = AsyncErpClient.sandbox(
            "http://127.0.0.1:9", client_id="c", client_secret="s", tenant_id="t"
        )
        urls = (client._settings.connect_url, client.erp_url, client._settings.salesorder_url)
        await client.close()
        return urls

    assert _run(run()) == ("http://127.0.0.1:9",) * 3


@pytest.mark.parametrize(
    "kwargs",
    [
        {"client_id": ""},
        {"client_secret": " "},
        {"tenant_id": ""},
        {"erp_url": "api.finance.visma.net"},
        {"connect_url": "ftp://connect.visma.com"},
        {"timeout": 0},
        {"priority": "interactive"},
        {"max_retries": -1},
    ],
)
def test_bad_construction_is_refused_with_a_clear_message(kwargs):
    arguments = {"client_id": "c", "client_secret": "s", "tenant_id": "t", **kwargs}
    with pytest.raises(ValueError):
        AsyncErpClient(**arguments)
