"""``client.order_types``: the sales order types and their numbering (Financials API).

``list()`` is the types; ``number_sequences()`` the numbering series, whose ``manual_numbering``
says whether an order may carry the caller's own number. Which series a type uses is not part of
the type's DTO (docs/sandbox.md, choice 12: the sandbox names each series after its type).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models.order_types import NumberSequence, OrderType
from ..resources import order_types as ops

if TYPE_CHECKING:
    from .client import AsyncErpClient


class AsyncOrderTypes:
    def __init__(self, client: AsyncErpClient) -> None:
        self._client = client

    async def list(self) -> list[OrderType]:
        return await self._client.request(ops.list_operation())

    async def number_sequences(self) -> list[NumberSequence]:
        return await self._client.request(ops.sequences_operation())
