"""Items and availability for order forms (v3 ``/api/v3/Inventory``): requests and readers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .._operation import Operation
from .._reply import Reply
from ..config import Service
from ..models.inventory import InventoryItem, ItemPrice
from ..pagination import (
    PageData,
    financials_paging,
    read_financials_page,
    read_v3_page,
    v3_paging,
)

FAMILY = "inventory"
LIST = "/api/v3/Inventory"
PRICES = "/v1/inventory"

Many = str | Sequence[str] | None


def _many(value: Many) -> list[str] | None:
    if value is None:
        return None
    values = [value] if isinstance(value, str) else list(value)
    return [item for item in values if item] or None


def page_operation(
    page_number: int,
    *,
    page_size: int,
    inventory_id: Many,
    warehouse_id: Many,
    expand: Many,
    modified_since: datetime | None,
) -> Operation[PageData[InventoryItem]]:
    paging = v3_paging(page_number, page_size)
    if modified_since is not None and not isinstance(modified_since, datetime):
        raise ValueError("modified_since must be a datetime (UTC unless it has an offset)")

    def read(reply: Reply) -> PageData[InventoryItem]:
        return read_v3_page(reply, InventoryItem, page_number, page_size)

    params = {
        "inventoryId": _many(inventory_id),
        "warehouseId": _many(warehouse_id),
        "expand": _many(expand),
        "modifiedSince": modified_since.isoformat() if modified_since else None,
        **paging,
    }
    return Operation("GET", Service.SALESORDER, LIST, LIST, FAMILY, read, params=params)


def prices_operation(
    page_number: int, *, page_size: int, description: str | None
) -> Operation[PageData[ItemPrice]]:
    params = {"description": description or None, **financials_paging(page_number, page_size)}

    def read(reply: Reply) -> PageData[ItemPrice]:
        return read_financials_page(reply, ItemPrice, page_number, page_size)

    return Operation("GET", Service.ERP, PRICES, PRICES, FAMILY, read, params=params)
