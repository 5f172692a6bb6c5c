# Generated from erpclient/_async by scripts/generate_sync.py; do not edit.
# Change the async source and run `python scripts/generate_sync.py`.
"""``client.ledger``: the company's accounts and subaccounts (for prebooking)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from ..models.ledger import Account, Subaccount
from ..pagination import DEFAULT_PAGE_SIZE
from ..resources import ledger as ops
from .pagination import Page, fetch_page

if TYPE_CHECKING:
    from .client import ErpClient


class Ledger:
    def __init__(self, client: ErpClient) -> None:
        self._client = client

    def accounts(
        self,
        *,
        page_number: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
        active: bool | None = None,
    ) -> Page[Account]:
        operation = partial(ops.accounts_operation, page_size=page_size, active=active)
        return fetch_page(self._client, operation, page_number)

    def subaccounts(
        self,
        *,
        page_number: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
        active: bool | None = None,
    ) -> Page[Subaccount]:
        operation = partial(ops.subaccounts_operation, page_size=page_size, active=active)
        return fetch_page(self._client, operation, page_number)
