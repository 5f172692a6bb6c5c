"""SalesOrders v3 (``salesorder.visma.net/api/v3``): orders as read, and the result of a create."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from ..etag import etag_of
from ._base import ErpModel, as_datetime, erp_model, local, nested, spec


@erp_model
class SalesOrderStatus(ErpModel):
    cancelled: bool | None = spec()
    description: str | None = spec()
    hold: bool | None = spec()


@erp_model
class SalesOrderCustomer(ErpModel):
    id: str | None = spec()
    internal_id: int | None = spec()
    name: str | None = spec()
    contact_id: int | None = spec()
    order: str | None = spec()
    ref_no: str | None = spec()


@erp_model
class SalesOrder(ErpModel):
    """``SalesOrderDto``. ``etag`` is the ``ETag`` header, else ``version``."""

    type: str | None = spec()
    order_id: str | None = spec()
    status: SalesOrderStatus | None = spec(conv=nested(SalesOrderStatus))
    customer: SalesOrderCustomer | None = spec(conv=nested(SalesOrderCustomer))
    date: datetime | None = spec(conv=as_datetime)
    request_on: datetime | None = spec(conv=as_datetime)
    cancel_by: datetime | None = spec(conv=as_datetime)
    last_modified: datetime | None = spec(conv=as_datetime)
    description: str | None = spec()
    note: str | None = spec()
    currency_id: str | None = spec()
    order_qty: float | None = spec()
    created_by: str | None = spec()
    totals: dict[str, Any] | None = spec()
    version: str | None = spec()
    etag_header: str | None = local()

    @property
    def etag(self) -> str | None:
        return etag_of(self.etag_header, self.version)


@erp_model
class LineInventory(ErpModel):
    id: str | None = spec()
    description: str | None = spec()
    base_unit: str | None = spec()


@erp_model
class LineSupplier(ErpModel):
    id: str | None = spec()
    name: str | None = spec()


@erp_model
class SalesOrderLine(ErpModel):
    """``SalesOrderLineDto``: ``purchase_order_source`` and ``supplier`` say how the line is
    purchased (a line not marked for PO has no supplier)."""

    line_id: int | None = spec()
    inventory: LineInventory | None = spec(conv=nested(LineInventory))
    description: str | None = spec()
    quantity: float | None = spec()
    unit_of_measure: str | None = spec()
    unit_price: float | None = spec()
    discount_percent: float | None = spec()
    extended_price: float | None = spec()
    warehouse_id: str | None = spec()
    purchase_order_source: str | None = spec()
    supplier: LineSupplier | None = spec(conv=nested(LineSupplier))


@erp_model
class SalesOrderSummary(ErpModel):
    """``SalesOrderListDto``: one row of a sales-order list."""

    type: str | None = spec()
    order_id: str | None = spec()
    status: str | None = spec()
    customer_id: str | None = spec()
    customer_name: str | None = spec()
    customer_order: str | None = spec()
    customer_ref_no: str | None = spec()
    description: str | None = spec()
    currency: str | None = spec()
    date: datetime | None = spec(conv=as_datetime)
    request_on: datetime | None = spec(conv=as_datetime)
    last_modified: datetime | None = spec(conv=as_datetime)
    order_qty: float | None = spec()
    order_total: float | None = spec()
    location: str | None = spec()
    links: dict[str, Any] | None = spec(key="_links")


@erp_model
class CreatedOrder(ErpModel):
    """A created order: its type and id, read from the ``Location`` of the 201."""

    type: str | None = local()
    order_id: str | None = local()
    location: str | None = local()
    etag_header: str | None = local()

    @property
    def etag(self) -> str | None:
        return etag_of(self.etag_header, None)

    @staticmethod
    def split_location(location: str) -> tuple[str, str]:
        """``…/api/v3/SalesOrders/SO/000223`` -> ``("SO", "000223")``."""
        segments = [unquote(part) for part in urlsplit(location).path.split("/") if part]
        lowered = [segment.lower() for segment in segments]
        if "salesorders" not in lowered:
            raise ValueError(f"not a sales order location: {location!r}")
        tail = segments[lowered.index("salesorders") + 1 :]
        if len(tail) != 2:
            raise ValueError(f"not a sales order location: {location!r}")
        return tail[0], tail[1]
