"""``client.sales_orders``: the SalesOrders v3 service (``/api/v3/SalesOrders``).

Create answers 201 with no body and a ``Location`` naming ``/{type}/{orderId}``. Lists use a
zero-based ``pageIndex``. A create is a POST and is never retried, unless you mark it
``idempotent=True``, which needs your own ``orderId`` (a retried duplicate then gets 409, not a
second order).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .._operation import Operation, build_path
from .._reply import Reply
from ..config import Service
from ..models.new_sales_order import NewSalesOrder
from ..models.sales_orders import CreatedOrder, SalesOrder, SalesOrderSummary
from ..pagination import AsyncPage, Page
from ._common import check_paging, json_object

if TYPE_CHECKING:
    from .._client import AsyncErpClient, ErpClient

FAMILY = "salesorders"
COLLECTION = "/api/v3/SalesOrders"
BY_TYPE = "/api/v3/SalesOrders/{type}"
ONE = "/api/v3/SalesOrders/{type}/{orderId}"
DEFAULT_PAGE_SIZE = 100
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


def read_paged(
    reply: Reply,
    model: Any,
    page_index: int,
    page_size: int,
) -> Page[Any]:
    """A v3 ``…PagedResult``: ``{"value": [...], "totalCount": n, "nextPage": url|null}``."""
    data = json_object(reply)
    ratelimit = reply.ratelimit
    rows = data.get("value") or []
    if not isinstance(rows, list):
        raise ValueError("'value' is not a list")
    items = [
        model.from_dict(row, ratelimit=reply.ratelimit) for row in rows if isinstance(row, dict)
    ]
    total = data.get("totalCount")
    total = total if isinstance(total, int) else None
    if "nextPage" in data:
        has_next = bool(data.get("nextPage"))
    elif total is not None:
        has_next = (page_index + 1) * page_size < total
    else:
        has_next = len(items) >= page_size
    return Page(items, page_index, page_size, total, has_next, ratelimit)


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


def list_operation(
    *,
    page_index: int,
    page_size: int,
    order_type: str | None,
    customer_id: str | None,
    status: str | None,
    modified_since: datetime | None,
    order_by: str | None,
    filter: str | None,
) -> Operation[Page[SalesOrderSummary]]:
    check_paging(page_index, page_size)
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
        "pageIndex": page_index,
        "pageSize": page_size,
    }
    if order_type:
        template, path = BY_TYPE, build_path(BY_TYPE, type=order_type)
    else:
        template, path = COLLECTION, COLLECTION

    def read(reply: Reply) -> Page[SalesOrderSummary]:
        return read_paged(reply, SalesOrderSummary, page_index, page_size)

    return Operation("GET", Service.SALESORDER, template, path, FAMILY, read, params=params)


class SalesOrders:
    def __init__(self, client: ErpClient) -> None:
        self._client = client

    def create(
        self, order: NewSalesOrder | Mapping[str, Any], *, idempotent: bool = False
    ) -> CreatedOrder:
        return self._client._request(create_operation(order, idempotent=idempotent))

    def get(
        self, type: str, order_id: str, *, expand: Sequence[str] | str | None = None
    ) -> SalesOrder:
        return self._client._request(get_operation(type, order_id, expand))

    def list(
        self,
        *,
        page_index: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        type: str | None = None,
        customer_id: str | None = None,
        status: str | None = None,
        modified_since: datetime | None = None,
        order_by: str | None = None,
        filter: str | None = None,
    ) -> Page[SalesOrderSummary]:
        """One page (``page_index`` from 0); ``.auto_paging_iter()`` walks on."""
        arguments = {
            "page_size": page_size,
            "order_type": type,
            "customer_id": customer_id,
            "status": status,
            "modified_since": modified_since,
            "order_by": order_by,
            "filter": filter,
        }

        def fetch(index: int) -> Page[SalesOrderSummary]:
            page = self._client._request(list_operation(page_index=index, **arguments))
            return page.paging_with(fetch)

        return fetch(page_index)


class AsyncSalesOrders:
    def __init__(self, client: AsyncErpClient) -> None:
        self._client = client

    async def create(
        self, order: NewSalesOrder | Mapping[str, Any], *, idempotent: bool = False
    ) -> CreatedOrder:
        return await self._client._request(create_operation(order, idempotent=idempotent))

    async def get(
        self, type: str, order_id: str, *, expand: Sequence[str] | str | None = None
    ) -> SalesOrder:
        return await self._client._request(get_operation(type, order_id, expand))

    async def list(
        self,
        *,
        page_index: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        type: str | None = None,
        customer_id: str | None = None,
        status: str | None = None,
        modified_since: datetime | None = None,
        order_by: str | None = None,
        filter: str | None = None,
    ) -> AsyncPage[SalesOrderSummary]:
        arguments = {
            "page_size": page_size,
            "order_type": type,
            "customer_id": customer_id,
            "status": status,
            "modified_since": modified_since,
            "order_by": order_by,
            "filter": filter,
        }

        async def fetch(index: int) -> AsyncPage[SalesOrderSummary]:
            page = await self._client._request(list_operation(page_index=index, **arguments))
            return page.paging_async_with(fetch)

        return await fetch(page_index)
