"""A small typed builder for ``NewSalesOrderCommand`` (SalesOrders v3 create).

It emits only the properties you set, with the spec's names; the v3 service rejects unknown
properties (``additionalProperties: false``), so nothing is ever added on its own. Anything the
builder does not name goes in ``extra`` and is sent as given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

ORDER_ID_MAX = 15
DESCRIPTION_MAX = 255


class PurchaseOrderSource(Enum):
    """How a line is purchased for the order (v3 accepts exactly these spellings)."""

    DROP_SHIP = "dropShip"
    PURCHASE_TO_ORDER = "purchaseToOrder"


def _iso(value: date | datetime | str) -> str:
    return value if isinstance(value, str) else value.isoformat()


def _compact(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderCustomer:
    id: str
    order: str | None = None
    ref_no: str | None = None
    location_id: str | None = None
    contact_id: int | None = None

    def __post_init__(self) -> None:
        if not self.id or not self.id.strip():
            raise ValueError("the order's customer id is required")

    def to_json(self) -> dict[str, Any]:
        return _compact(
            {
                "id": self.id,
                "order": self.order,
                "refNo": self.ref_no,
                "locationId": self.location_id,
                "contactId": self.contact_id,
            }
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderLine:
    inventory_id: str
    quantity: float | None = None
    unit_price: float | None = None
    description: str | None = None
    warehouse_id: str | None = None
    purchase_order_source: PurchaseOrderSource | None = None
    supplier_id: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.inventory_id or not self.inventory_id.strip():
            raise ValueError("every order line needs an inventory id")
        if self.quantity is not None and self.quantity < 0:
            raise ValueError("an order line's quantity must not be negative")
        if self.supplier_id is not None and self.purchase_order_source is None:
            raise ValueError(
                "supplier_id is only allowed with a purchase_order_source "
                "(dropShip or purchaseToOrder)"
            )

    def to_json(self) -> dict[str, Any]:
        source = self.purchase_order_source.value if self.purchase_order_source else None
        return {
            **_compact(
                {
                    "inventoryId": self.inventory_id,
                    "quantity": self.quantity,
                    "unitPrice": self.unit_price,
                    "description": self.description,
                    "warehouseId": self.warehouse_id,
                    "purchaseOrderSource": source,
                    "supplierId": self.supplier_id,
                }
            ),
            **self.extra,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class NewSalesOrder:
    """``NewSalesOrderCommand``: ``type`` and ``customer`` are required by the spec."""

    type: str
    customer: OrderCustomer
    lines: Sequence[OrderLine] = ()
    order_id: str | None = None
    description: str | None = None
    status: str | None = None
    date: date | datetime | str | None = None
    request_on: date | datetime | str | None = None
    currency_id: str | None = None
    note: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.type or not self.type.strip():
            raise ValueError("the order type (for example 'SO') is required")
        if self.order_id is not None and not 0 < len(self.order_id) <= ORDER_ID_MAX:
            raise ValueError(f"order_id must be 1 to {ORDER_ID_MAX} characters")
        if self.description is not None and len(self.description) > DESCRIPTION_MAX:
            raise ValueError(f"description must be at most {DESCRIPTION_MAX} characters")
        if self.status not in (None, "", "Open", "Hold"):
            raise ValueError("status must be 'Open' or 'Hold' (or left out)")

    def to_json(self) -> dict[str, Any]:
        body = _compact(
            {
                "type": self.type,
                "customer": self.customer.to_json(),
                "orderId": self.order_id,
                "description": self.description,
                "status": self.status,
                "date": _iso(self.date) if self.date is not None else None,
                "requestOn": _iso(self.request_on) if self.request_on is not None else None,
                "currencyId": self.currency_id,
                "note": self.note,
            }
        )
        if self.lines:
            body["orderLines"] = [line.to_json() for line in self.lines]
        body.update(self.extra)
        return body
