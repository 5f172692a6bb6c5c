"""``client.ledger``: the company's accounts and subaccounts (for prebooking)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from ..models.ledger import Account, Subaccount
from ..pagination import DEFAULT_PAGE_SIZE
from ..resources import ledger as ops
from .pagination import AsyncPage, fetch_page

if TYPE_CHECKING:
    from .client import AsyncErpClient


class AsyncLedger:
    def __init__(self, client: AsyncErpClient) -> None:
        self._client = client

    async def accounts(
        self,
        *,
        page_number: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
        active: bool | None = None,
    ) -> AsyncPage[Account]:
        operation = partial(ops.accounts_operation, page_size=page_size, active=active)
        return await fetch_page(self._client, operation, page_number)

    async def subaccounts(
        self,
        *,
        page_number: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
        active: bool | None = None,
    ) -> AsyncPage[Subaccount]:
        operation = partial(ops.subaccounts_operation, page_size=page_size, active=active)
        return await fetch_page(self._client, operation, page_number)
