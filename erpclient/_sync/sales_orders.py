# Generated from erpclient/_async by scripts/generate_sync.py; do not edit.
# Change the async source and run `python scripts/generate_sync.py`.
"""``client.sales_orders``: the SalesOrders v3 service (``/api/v3/SalesOrders``).

A create is a POST and is never retried, unless you mark it ``idempotent=True``, which needs your
own ``orderId`` (a retried duplicate then gets 409, not a second order).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from ..models.new_sales_order import NewSalesOrder
from ..models.sales_orders import CreatedOrder, SalesOrder, SalesOrderLine, SalesOrderSummary
from ..pagination import DEFAULT_PAGE_SIZE
from ..resources import sales_orders as ops
from .pagination import Page, SyncListing, fetch_page

if TYPE_CHECKING:
    from .client import ErpClient


class SalesOrders(SyncListing[SalesOrderSummary]):
    def __init__(self, client: ErpClient) -> None:
        self._client = client

    def create(
        self, order: NewSalesOrder | Mapping[str, Any], *, idempotent: bool = False
    ) -> CreatedOrder:
        return self._client.request(ops.create_operation(order, idempotent=idempotent))

    def get(
        self, type: str, order_id: str, *, expand: Sequence[str] | str | None = None
    ) -> SalesOrder:
        return self._client.request(ops.get_operation(type, order_id, expand))

    def lines(
        self, type: str, order_id: str, *, page_number: int = 1, page_size: int = 1000
    ) -> Page[SalesOrderLine]:
        """One page of an order's lines (the v3 service's default page holds 1,000)."""
        operation = partial(ops.lines_operation, type, order_id, page_size=page_size)
        return fetch_page(self._client, operation, page_number)

    def page(
        self,
        *,
        page_number: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
        type: str | None = None,
        customer_id: str | None = None,
        status: str | None = None,
        modified_since: datetime | None = None,
        order_by: str | None = None,
        filter: str | None = None,
    ) -> Page[SalesOrderSummary]:
        """One page of orders; ``order_by`` is ``created``, ``lastModified`` or ``orderId``,
        optionally followed by `` asc`` or `` desc``."""
        operation = partial(
            ops.page_operation,
            page_size=page_size,
            order_type=type,
            customer_id=customer_id,
            status=status,
            modified_since=modified_since,
            order_by=order_by,
            filter=filter,
        )
        return fetch_page(self._client, operation, page_number)
