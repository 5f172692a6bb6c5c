# Generated from erpclient/_async by scripts/generate_sync.py; do not edit.
# Change the async source and run `python scripts/generate_sync.py`.
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
    from .client import ErpClient


class OrderTypes:
    def __init__(self, client: ErpClient) -> None:
        self._client = client

    def list(self) -> list[OrderType]:
        return self._client.request(ops.list_operation())

    def number_sequences(self) -> list[NumberSequence]:
        return self._client.request(ops.sequences_operation())
