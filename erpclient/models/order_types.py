"""Sales order types and their numbering (Financials `/v1/salesordertype`, `/v1/numberSequence`).

SalesOrders v3 has no order-type lookup; the Financials API has the types and the numbering
series. Whether a type takes the caller's own order number is its series' ``manualNumbering``.
"""

from __future__ import annotations

from ._base import ErpModel, erp_model, spec


@erp_model
class OrderType(ErpModel):
    """``SalesOrderTypeDto``."""

    order_type: str | None = spec()
    active: bool | None = spec()
    description: str | None = spec()
    behavior: str | None = spec()


@erp_model
class NumberSequence(ErpModel):
    """``NumberingDto``: ``manual_numbering`` says the caller may give its own number."""

    numbering_id: str | None = spec()
    description: str | None = spec()
    manual_numbering: bool | None = spec()
