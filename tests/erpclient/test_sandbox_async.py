"""AsyncErpClient over real HTTP against the sandbox."""

from __future__ import annotations

import asyncio

from erpclient import AsyncErpClient, Background, InMemoryRecorder, NewSalesOrder, OrderCustomer

from .conftest import demo_client, demo_tenant

HEALTHY = demo_tenant("healthy")


def _client(sandbox, **kwargs) -> AsyncErpClient:
    async def advance(seconds: float) -> None:
        await asyncio.to_thread(
            sandbox.control, "POST", "/_sandbox/clock", {"advance_seconds": round(seconds, 3)}
        )

    credentials = demo_client()
    return AsyncErpClient.sandbox(
        sandbox.url,
        client_id=credentials["client_id"],
        client_secret=credentials["client_secret"],
        tenant_id=HEALTHY["tenant_id"],
        sleep=advance,
        **kwargs,
    )


def test_async_fan_out_shares_one_token_and_one_pool(sandbox):
    recorder = InMemoryRecorder()

    async def run():
        async with _client(sandbox, recorder=recorder) as client:
            context = await client.context.get()
            page = await client.supplier_invoices.page(page_size=30)
            invoices = await asyncio.gather(
                *(client.supplier_invoices.get(i.number, i.document_type) for i in page.items)
            )
            return context, page, invoices

    context, page, invoices = asyncio.run(run())
    assert context.id == HEALTHY["company_id"]
    assert [i.number for i in invoices] == [i.number for i in page.items]
    assert all(i.etag for i in invoices)
    assert [c.endpoint_family for c in recorder.calls].count("token") == 1
    assert len(recorder.calls) == 1 + 2 + 30


def test_async_auto_paging_and_sales_order_create(sandbox):
    async def run():
        async with _client(sandbox) as client:
            first = await client.supplier_invoices.page(page_size=100)
            everything = [i async for i in client.supplier_invoices.list(page_size=100)]
            created = await client.sales_orders.create(
                NewSalesOrder(type="SO", customer=OrderCustomer(id="10002"))
            )
            order = await client.sales_orders.get(created.type, created.order_id)
            customers = await client.customers.page("Oslo")
            return first, everything, created, order, customers

    first, everything, created, order, customers = asyncio.run(run())
    assert len(everything) == first.total_count
    assert order.order_id == created.order_id and order.customer.id == "10002"
    assert [c.id for c in customers.items] == ["10001"]


def test_async_background_flow(sandbox):
    async def run():
        async with _client(sandbox) as client:
            balanced = await client.supplier_invoices.page(
                page_size=5, status="Balanced", document_type="Invoice"
            )
            invoice = balanced.items[0]
            accepted = await client.supplier_invoices.release(
                invoice.number, document_type="Invoice", background=Background.none()
            )
            state = await client.background.wait(accepted)
            content = await client.background.content(accepted)
            after = await client.supplier_invoices.get(invoice.number, "Invoice")
            return state, content, after

    state, content, after = asyncio.run(run())
    assert state.succeeded and content.data["actionResult"] == "Done"
    assert after.status == "Open"
