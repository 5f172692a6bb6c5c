# Generated from erpclient/_async by scripts/generate_sync.py; do not edit.
# Change the async source and run `python scripts/generate_sync.py`.
"""``client.suppliers``: suppliers (Financials API ``/v1/supplier``), for order lines marked for
purchase."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from ..models.suppliers import Supplier
from ..pagination import DEFAULT_PAGE_SIZE
from ..resources import suppliers as ops
from .pagination import Page, SyncListing, fetch_page

if TYPE_CHECKING:
    from .client import ErpClient


class Suppliers(SyncListing[Supplier]):
    def __init__(self, client: ErpClient) -> None:
        self._client = client

    def page(
        self,
        *,
        name: str | None = None,
        status: str | None = None,
        page_number: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Page[Supplier]:
        """One page of suppliers, optionally those whose name holds ``name`` and of ``status``
        (``Active``, ``Inactive``, ...)."""
        operation = partial(ops.page_operation, page_size=page_size, name=name, status=status)
        return fetch_page(self._client, operation, page_number)
