"""Supplier payments (``SupplierPaymentDto``) and the lines that apply them to invoices."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..etag import etag_of
from ._base import ErpModel, as_datetime, erp_model, list_of, local, nested, spec
from .supplier_invoices import Metadata, SupplierRef


@erp_model
class SupplierPaymentLine(ErpModel):
    doc_type: str | None = spec()
    invoice_ref_nbr: str | None = spec()
    amount_paid: float | None = spec()
    balance: float | None = spec()
    description: str | None = spec()
    due_date: datetime | None = spec(conv=as_datetime)


@erp_model
class SupplierPayment(ErpModel):
    """One supplier payment. ``etag`` is the ``ETag`` header, else the body's ``timeStamp``."""

    type: str | None = spec()
    document_type: str | None = spec()
    ref_nbr: str | None = spec()
    status: str | None = spec()
    hold: bool | None = spec()
    released: bool | None = spec()
    application_date: datetime | None = spec(conv=as_datetime)
    application_period: str | None = spec()
    payment_ref: str | None = spec()
    supplier: SupplierRef | None = spec(conv=nested(SupplierRef))
    payment_method: Any = spec()
    cash_account: Any = spec()
    currency: dict[str, Any] | None = spec()
    description: str | None = spec()
    payment_amount: float | None = spec()
    balance: float | None = spec()
    unapplied_balance: float | None = spec()
    applied_amount: float | None = spec()
    last_modified_date_time: datetime | None = spec(conv=as_datetime)
    time_stamp: str | None = spec()
    payment_lines: list[SupplierPaymentLine] = spec(conv=list_of(SupplierPaymentLine), default=[])
    metadata: Metadata | None = spec(conv=nested(Metadata))
    etag_header: str | None = local()

    @property
    def etag(self) -> str | None:
        return etag_of(self.etag_header, self.time_stamp)

    @property
    def number(self) -> str | None:
        """The payment number the ERP's paths use (``refNbr``)."""
        return self.ref_nbr

    @property
    def currency_id(self) -> str | None:
        return (self.currency or {}).get("id")
