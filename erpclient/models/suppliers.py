"""Suppliers as the Financials API lists them (``/v1/supplier``), for picking one on an order's
purchase line."""

from __future__ import annotations

from ._base import ErpModel, erp_model, spec


@erp_model
class Supplier(ErpModel):
    """``SupplierDto`` (the fields a picker needs)."""

    internal_id: int | None = spec()
    number: str | None = spec()
    name: str | None = spec()
    status: str | None = spec()
    currency_id: str | None = spec()
