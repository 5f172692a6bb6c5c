"""Sales orders (SalesOrders v3, ``/api/v3/SalesOrders``): what each call sends, how it is read.

Create answers 201 with no body and a ``Location`` naming ``/{type}/{orderId}``. A create is a
POST and is never retried, unless you mark it
``idempotent=True``, which needs your own ``orderId`` (a retried duplicate then gets 409, not a
second order).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from .._operation import Operation, build_path
from .._reply import Reply
from ..config import Service
from ..models.new_sales_order import NewSalesOrder
from ..models.sales_orders import CreatedOrder, SalesOrder, SalesOrderLine, SalesOrderSummary
from ..pagination import PageData, read_v3_page, v3_paging
from ._common import json_object

FAMILY = "salesorders"
COLLECTION = "/api/v3/SalesOrders"
BY_TYPE = "/api/v3/SalesOrders/{type}"
ONE = "/api/v3/SalesOrders/{type}/{orderId}"
LINES = "/api/v3/SalesOrders/{type}/{orderId}/lines"
_ORDER_BY = ("created", "lastModified", "orderId")


def _read_created(reply: Reply) -> CreatedOrder:
    location = reply.headers.get("location")
    if not location:
        raise ValueError("the 201 has no Location header")
    order_type, order_id = CreatedOrder.split_location(location)
    return CreatedOrder.from_dict(
        {},
        ratelimit=reply.ratelimit,
        type=order_type,
        order_id=order_id,
        location=location,
        etag_header=reply.headers.get("etag"),
    )


def _read_order(reply: Reply) -> SalesOrder:
    return SalesOrder.from_dict(
        json_object(reply), ratelimit=reply.ratelimit, etag_header=reply.headers.get("etag")
    )


def create_operation(
    order: NewSalesOrder | Mapping[str, Any], *, idempotent: bool
) -> Operation[CreatedOrder]:
    if isinstance(order, NewSalesOrder):
        body = order.to_json()
    elif isinstance(order, Mapping):
        body = dict(order)
    else:
        raise ValueError("order must be a NewSalesOrder or a dict (NewSalesOrderCommand)")
    missing = [name for name in ("type", "customer") if not body.get(name)]
    if missing:
        raise ValueError(f"a new sales order needs {' and '.join(missing)}")
    if idempotent and not body.get("orderId"):
        raise ValueError(
            "idempotent=True needs your own orderId; without it a retry could create a second order"
        )
    return Operation(
        "POST",
        Service.SALESORDER,
        COLLECTION,
        COLLECTION,
        FAMILY,
        _read_created,
        json=body,
        idempotent=True if idempotent else None,
    )


def get_operation(
    order_type: str, order_id: str, expand: Sequence[str] | str | None
) -> Operation[SalesOrder]:
    path = build_path(ONE, type=order_type, orderId=order_id)
    params = None
    if expand:
        params = {"expand": expand if isinstance(expand, str) else ",".join(expand)}
    return Operation("GET", Service.SALESORDER, ONE, path, FAMILY, _read_order, params=params)


def page_operation(
    page_number: int,
    *,
    page_size: int,
    order_type: str | None,
    customer_id: str | None,
    status: str | None,
    modified_since: datetime | None,
    order_by: str | None,
    filter: str | None,
) -> Operation[PageData[SalesOrderSummary]]:
    paging = v3_paging(page_number, page_size)
    if order_by is not None:
        field, _, direction = order_by.partition(" ")
        if field not in _ORDER_BY or direction not in ("", "asc", "desc"):
            raise ValueError(
                "order_by is one of created, lastModified, orderId, optionally followed by "
                "' asc' or ' desc'"
            )
    if modified_since is not None and not isinstance(modified_since, datetime):
        raise ValueError("modified_since must be a datetime (UTC unless it has an offset)")
    params = {
        "customerId": customer_id,
        "status": status,
        "modifiedSince": modified_since.isoformat() if modified_since else None,
        "orderBy": order_by,
        "filter": filter,
        **paging,
    }
    if order_type:
        template, path = BY_TYPE, build_path(BY_TYPE, type=order_type)
    else:
        template, path = COLLECTION, COLLECTION

    def read(reply: Reply) -> PageData[SalesOrderSummary]:
        return read_v3_page(reply, SalesOrderSummary, page_number, page_size)

    return Operation("GET", Service.SALESORDER, template, path, FAMILY, read, params=params)


def lines_operation(
    order_type: str, order_id: str, page_number: int, *, page_size: int
) -> Operation[PageData[SalesOrderLine]]:
    path = build_path(LINES, type=order_type, orderId=order_id)

    def read(reply: Reply) -> PageData[SalesOrderLine]:
        return read_v3_page(reply, SalesOrderLine, page_number, page_size)

    params = v3_paging(page_number, page_size)
    return Operation("GET", Service.SALESORDER, LINES, path, FAMILY, read, params=params)
