"""One paging vocabulary: every list has ``page(page_number=…)`` and ``list()``, sync and async,
page numbers start at 1, and each service gets its own parameter (Financials ``pageNumber``,
v3 ``pageIndex`` from 0)."""

from __future__ import annotations

import asyncio
import inspect
from importlib import import_module

import httpx
import pytest

from erpclient import AsyncPage, Page
from erpclient.pagination import DEFAULT_PAGE_SIZE

from .fakes import FakeErp, make_async_client, make_client, ok_json

CLASSES = {
    "supplier_invoices": "SupplierInvoices",
    "sales_orders": "SalesOrders",
    "customers": "Customers",
    "inventory": "Inventory",
}
LISTS = tuple(CLASSES)
V3_PATHS = {
    "sales_orders": "/api/v3/SalesOrders",
    "customers": "/api/v3/Customers",
    "inventory": "/api/v3/Inventory",
}
V3_ROWS = {
    "sales_orders": {"type": "SO", "orderId": "1"},
    "customers": {"id": "10000", "name": "A"},
    "inventory": {"inventoryId": "STOCKITEM1"},
}


def _fake() -> FakeErp:
    def invoices(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["pageNumber"])
        meta = {"totalCount": 3, "maxPageSize": 2}
        rows = [{"referenceNumber": f"{number}-{i}", "metadata": meta} for i in range(2)]
        return ok_json(rows if number == 1 else rows[:1])

    def v3(resource: str):
        def answer(request: httpx.Request) -> httpx.Response:
            index = int(request.url.params["pageIndex"])
            more = "https://salesorder.visma.net/next" if index == 0 else None
            return ok_json({"value": [V3_ROWS[resource]], "totalCount": 2, "nextPage": more})

        return answer

    fake = FakeErp().on("/v1/supplierInvoice", invoices)
    for resource, path in V3_PATHS.items():
        fake.on(path, v3(resource))
    return fake


@pytest.mark.parametrize("resource", LISTS)
def test_every_list_pages_the_same_way_and_sends_its_services_own_number(resource):
    fake = _fake()
    client = make_client(fake)
    second = getattr(client, resource).page(page_number=2, page_size=2)
    assert isinstance(second, Page) and second.page_number == 2 and not second.has_next
    everything = list(getattr(client, resource).list(page_size=2))
    assert len(everything) == 3 if resource == "supplier_invoices" else len(everything) == 2
    sent = [request.url.params for request in fake.requests]
    if resource == "supplier_invoices":
        assert [p["pageNumber"] for p in sent] == ["2", "1", "2"]
        assert all("pageIndex" not in p for p in sent)
    else:
        assert [p["pageIndex"] for p in sent] == ["1", "0", "1"]
        assert all("pageNumber" not in p for p in sent)


@pytest.mark.parametrize("resource", LISTS)
def test_the_async_lists_page_the_same_way(resource):
    fake = _fake()

    async def run():
        async with make_async_client(fake) as client:
            first = await getattr(client, resource).page(page_size=2)
            everything = [item async for item in getattr(client, resource).list(page_size=2)]
            return first, everything

    first, everything = asyncio.run(run())
    assert isinstance(first, AsyncPage) and first.page_number == 1 and first.has_next
    assert len(everything) == (3 if resource == "supplier_invoices" else 2)


@pytest.mark.parametrize("resource", LISTS)
def test_sync_and_async_lists_take_the_same_arguments(resource):
    name = CLASSES[resource]
    sync_class = getattr(import_module(f"erpclient._sync.{resource}"), name)
    async_class = getattr(import_module(f"erpclient._async.{resource}"), "Async" + name)
    for method in ("page", "list"):
        sync = inspect.signature(getattr(sync_class, method))
        asynchronous = inspect.signature(getattr(async_class, method))
        assert sync.parameters.keys() == asynchronous.parameters.keys()
        assert sync.parameters["page_size"].default == DEFAULT_PAGE_SIZE
    assert inspect.signature(sync_class.page).parameters["page_number"].default == 1


@pytest.mark.parametrize("page_number", [0, -1, True, 1.5])
def test_a_page_number_below_one_is_refused_before_anything_is_sent(page_number):
    fake = _fake()
    client = make_client(fake)
    for resource in LISTS:
        with pytest.raises(ValueError, match="page number"):
            getattr(client, resource).page(page_number=page_number)
    assert fake.requests == []
