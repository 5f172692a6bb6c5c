"""``client.customers``: customer lookups for order forms (SalesOrders v3 ``/api/v3/Customers``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._operation import Operation, build_path
from .._reply import Reply
from ..config import Service
from ..models.customers import Customer, CustomerLocation
from ..pagination import AsyncPage, Page
from ._common import check_paging, json_list
from .sales_orders import read_paged

if TYPE_CHECKING:
    from .._client import AsyncErpClient, ErpClient

FAMILY = "customers"
LIST = "/api/v3/Customers"
LOCATIONS = "/api/v3/Customers/{customerId}/locations"
DEFAULT_PAGE_SIZE = 100


def list_operation(
    search: str | None, page_index: int, page_size: int
) -> Operation[Page[Customer]]:
    check_paging(page_index, page_size)

    def read(reply: Reply) -> Page[Customer]:
        return read_paged(reply, Customer, page_index, page_size)

    params = {"filter": search or None, "pageIndex": page_index, "pageSize": page_size}
    return Operation("GET", Service.SALESORDER, LIST, LIST, FAMILY, read, params=params)


def _read_locations(reply: Reply) -> list[CustomerLocation]:
    return [CustomerLocation.from_dict(row, ratelimit=reply.ratelimit) for row in json_list(reply)]


def locations_operation(customer_id: str) -> Operation[list[CustomerLocation]]:
    path = build_path(LOCATIONS, customerId=customer_id)
    return Operation("GET", Service.SALESORDER, LOCATIONS, path, FAMILY, _read_locations)


class Customers:
    def __init__(self, client: ErpClient) -> None:
        self._client = client

    def list(
        self, search: str | None = None, *, page_index: int = 0, page_size: int = DEFAULT_PAGE_SIZE
    ) -> Page[Customer]:
        """Customers whose id, name, GLN or tax registration id match ``search``."""

        def fetch(index: int) -> Page[Customer]:
            page = self._client._request(list_operation(search, index, page_size))
            return page.paging_with(fetch)

        return fetch(page_index)

    def locations(self, customer_id: str) -> list[CustomerLocation]:
        return self._client._request(locations_operation(customer_id))


class AsyncCustomers:
    def __init__(self, client: AsyncErpClient) -> None:
        self._client = client

    async def list(
        self, search: str | None = None, *, page_index: int = 0, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncPage[Customer]:
        async def fetch(index: int) -> AsyncPage[Customer]:
            page = await self._client._request(list_operation(search, index, page_size))
            return page.paging_async_with(fetch)

        return await fetch(page_index)

    async def locations(self, customer_id: str) -> list[CustomerLocation]:
        return await self._client._request(locations_operation(customer_id))
