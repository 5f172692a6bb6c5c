# Generated from erpclient/_async by scripts/generate_sync.py; do not edit.
# Change the async source and run `python scripts/generate_sync.py`.
"""``client.inventory``: items and availability for order forms (v3 ``/api/v3/Inventory``)."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from ..models.inventory import InventoryItem, ItemPrice
from ..pagination import DEFAULT_PAGE_SIZE
from ..resources import inventory as ops
from ..resources.inventory import Many
from .pagination import Page, SyncListing, fetch_page

if TYPE_CHECKING:
    from .client import ErpClient


class Inventory(SyncListing[InventoryItem]):
    def __init__(self, client: ErpClient) -> None:
        self._client = client

    def page(
        self,
        *,
        page_number: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
        inventory_id: Many = None,
        warehouse_id: Many = None,
        expand: Many = None,
        modified_since: datetime | None = None,
    ) -> Page[InventoryItem]:
        """One page of items with their availability per warehouse."""
        operation = partial(
            ops.page_operation,
            page_size=page_size,
            inventory_id=inventory_id,
            warehouse_id=warehouse_id,
            expand=expand,
            modified_since=modified_since,
        )
        return fetch_page(self._client, operation, page_number)

    def prices(
        self,
        *,
        description: str | None = None,
        page_number: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Page[ItemPrice]:
        """One page of items with their default price (the Financials API's ``/v1/inventory``;
        v3 Inventory carries no price), optionally those whose description holds
        ``description``."""
        operation = partial(ops.prices_operation, page_size=page_size, description=description)
        return fetch_page(self._client, operation, page_number)
