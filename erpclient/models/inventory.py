"""Inventory items and their availability, as the SalesOrders v3 service lists them."""

from __future__ import annotations

from typing import Any

from ._base import ErpModel, erp_model, list_of, spec


@erp_model
class WarehouseAvailability(ErpModel):
    warehouse_id: str | None = spec()
    description: str | None = spec()
    quantity_on_hand: float | None = spec()
    quantity_available: float | None = spec()
    quantity_available_for_shipment: float | None = spec()
    quantity_not_available: float | None = spec()


@erp_model
class InventoryItem(ErpModel):
    """``InventoryItemAvailabilityDto``."""

    inventory_id: str | None = spec()
    internal_id: int | None = spec()
    description: str | None = spec()
    base_unit: str | None = spec()
    attributes: dict[str, Any] | None = spec()
    availability: list[WarehouseAvailability] = spec(
        conv=list_of(WarehouseAvailability), default=[]
    )


@erp_model
class ItemPrice(ErpModel):
    """The Financials API's ``InventoryDto``, read for its price (v3 Inventory has none)."""

    inventory_number: str | None = spec()
    description: str | None = spec()
    status: str | None = spec()
    default_price: float | None = spec()
