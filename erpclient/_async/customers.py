"""``client.customers``: customer lookups for order forms (SalesOrders v3 ``/api/v3/Customers``)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from ..models.customers import Customer, CustomerLocation
from ..pagination import DEFAULT_PAGE_SIZE
from ..resources import customers as ops
from .pagination import AsyncListing, AsyncPage, fetch_page

if TYPE_CHECKING:
    from .client import AsyncErpClient


class AsyncCustomers(AsyncListing[Customer]):
    def __init__(self, client: AsyncErpClient) -> None:
        self._client = client

    async def page(
        self, search: str | None = None, *, page_number: int = 1, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncPage[Customer]:
        """One page of the customers whose id, name, GLN or tax registration id match
        ``search``."""
        operation = partial(ops.page_operation, page_size=page_size, search=search)
        return await fetch_page(self._client, operation, page_number)

    async def locations(self, customer_id: str) -> list[CustomerLocation]:
        return await self._client.request(ops.locations_operation(customer_id))
