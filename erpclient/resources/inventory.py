"""``client.inventory``: items and availability for order forms (v3 ``/api/v3/Inventory``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from .._operation import Operation
from .._reply import Reply
from ..config import Service
from ..models.inventory import InventoryItem
from ..pagination import AsyncPage, Page
from ._common import check_paging
from .sales_orders import read_paged

if TYPE_CHECKING:
    from .._client import AsyncErpClient, ErpClient

FAMILY = "inventory"
LIST = "/api/v3/Inventory"
DEFAULT_PAGE_SIZE = 100

Many = str | Sequence[str] | None


def _many(value: Many) -> list[str] | None:
    if value is None:
        return None
    values = [value] if isinstance(value, str) else list(value)
    return [item for item in values if item] or None


def list_operation(
    *,
    inventory_id: Many,
    warehouse_id: Many,
    expand: Many,
    modified_since: datetime | None,
    page_index: int,
    page_size: int,
) -> Operation[Page[InventoryItem]]:
    check_paging(page_index, page_size)
    if modified_since is not None and not isinstance(modified_since, datetime):
        raise ValueError("modified_since must be a datetime (UTC unless it has an offset)")

    def read(reply: Reply) -> Page[InventoryItem]:
        return read_paged(reply, InventoryItem, page_index, page_size)

    params = {
        "inventoryId": _many(inventory_id),
        "warehouseId": _many(warehouse_id),
        "expand": _many(expand),
        "modifiedSince": modified_since.isoformat() if modified_since else None,
        "pageIndex": page_index,
        "pageSize": page_size,
    }
    return Operation("GET", Service.SALESORDER, LIST, LIST, FAMILY, read, params=params)


class Inventory:
    def __init__(self, client: ErpClient) -> None:
        self._client = client

    def list(
        self,
        *,
        inventory_id: Many = None,
        warehouse_id: Many = None,
        expand: Many = None,
        modified_since: datetime | None = None,
        page_index: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Page[InventoryItem]:
        def fetch(index: int) -> Page[InventoryItem]:
            page = self._client._request(
                list_operation(
                    inventory_id=inventory_id,
                    warehouse_id=warehouse_id,
                    expand=expand,
                    modified_since=modified_since,
                    page_index=index,
                    page_size=page_size,
                )
            )
            return page.paging_with(fetch)

        return fetch(page_index)


class AsyncInventory:
    def __init__(self, client: AsyncErpClient) -> None:
        self._client = client

    async def list(
        self,
        *,
        inventory_id: Many = None,
        warehouse_id: Many = None,
        expand: Many = None,
        modified_since: datetime | None = None,
        page_index: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncPage[InventoryItem]:
        async def fetch(index: int) -> AsyncPage[InventoryItem]:
            page = await self._client._request(
                list_operation(
                    inventory_id=inventory_id,
                    warehouse_id=warehouse_id,
                    expand=expand,
                    modified_since=modified_since,
                    page_index=index,
                    page_size=page_size,
                )
            )
            return page.paging_async_with(fetch)

        return await fetch(page_index)
