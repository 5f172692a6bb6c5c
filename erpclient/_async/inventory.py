"""``client.inventory``: items and availability for order forms (v3 ``/api/v3/Inventory``)."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from ..models.inventory import InventoryItem, ItemPrice
from ..pagination import DEFAULT_PAGE_SIZE
from ..resources import inventory as ops
from ..resources.inventory import Many
from .pagination import AsyncListing, AsyncPage, fetch_page

if TYPE_CHECKING:
    from .client import AsyncErpClient


class AsyncInventory(AsyncListing[InventoryItem]):
    def __init__(self, client: AsyncErpClient) -> None:
        self._client = client

    async def page(
        self,
        *,
        page_number: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
        inventory_id: Many = None,
        warehouse_id: Many = None,
        expand: Many = None,
        modified_since: datetime | None = None,
    ) -> AsyncPage[InventoryItem]:
        """One page of items with their availability per warehouse."""
        operation = partial(
            ops.page_operation,
            page_size=page_size,
            inventory_id=inventory_id,
            warehouse_id=warehouse_id,
            expand=expand,
            modified_since=modified_since,
        )
        return await fetch_page(self._client, operation, page_number)

    async def prices(
        self,
        *,
        description: str | None = None,
        page_number: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncPage[ItemPrice]:
        """One page of items with their default price (the Financials API's ``/v1/inventory``;
        v3 Inventory carries no price), optionally those whose description holds
        ``description``."""
        operation = partial(ops.prices_operation, page_size=page_size, description=description)
        return await fetch_page(self._client, operation, page_number)
