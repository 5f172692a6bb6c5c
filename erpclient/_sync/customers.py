# Generated from erpclient/_async by scripts/generate_sync.py; do not edit.
# Change the async source and run `python scripts/generate_sync.py`.
"""``client.customers``: customer lookups for order forms (SalesOrders v3 ``/api/v3/Customers``)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from ..models.customers import Customer, CustomerLocation
from ..pagination import DEFAULT_PAGE_SIZE
from ..resources import customers as ops
from .pagination import Page, SyncListing, fetch_page

if TYPE_CHECKING:
    from .client import ErpClient


class Customers(SyncListing[Customer]):
    def __init__(self, client: ErpClient) -> None:
        self._client = client

    def page(
        self, search: str | None = None, *, page_number: int = 1, page_size: int = DEFAULT_PAGE_SIZE
    ) -> Page[Customer]:
        """One page of the customers whose id, name, GLN or tax registration id match
        ``search``."""
        operation = partial(ops.page_operation, page_size=page_size, search=search)
        return fetch_page(self._client, operation, page_number)

    def locations(self, customer_id: str) -> list[CustomerLocation]:
        return self._client.request(ops.locations_operation(customer_id))
