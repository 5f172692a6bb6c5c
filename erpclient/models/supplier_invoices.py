"""Supplier invoices (``SupplierInvoiceDto``) and the results of their actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..etag import etag_of
from ._base import ErpModel, as_datetime, erp_model, list_of, local, nested, spec


@erp_model
class SupplierRef(ErpModel):
    internal_id: int | None = spec()
    number: str | None = spec()
    name: str | None = spec()


@erp_model
class NumberName(ErpModel):
    """The ``{number, name}`` / ``{id, name}`` pairs the Financials API uses for references."""

    id: str | None = spec()
    number: str | None = spec()
    name: str | None = spec()
    description: str | None = spec()


@erp_model
class Attachment(ErpModel):
    name: str | None = spec()
    id: str | None = spec()
    revision: int | None = spec()


@erp_model
class SupplierInvoiceLine(ErpModel):
    line_number: int | None = spec()
    inventory_number: str | None = spec()
    transaction_description: str | None = spec()
    quantity: float | None = spec()
    uom: str | None = spec()
    unit_cost: float | None = spec()
    cost: float | None = spec()
    cost_in_currency: float | None = spec()
    account: NumberName | None = spec(conv=nested(NumberName))
    subaccount: dict[str, Any] | None = spec()
    prebook_account: NumberName | None = spec(conv=nested(NumberName))
    prebook_subaccount: dict[str, Any] | None = spec()
    vat_code: NumberName | None = spec(conv=nested(NumberName))
    po_number: str | None = spec()
    note: str | None = spec()
    attachments: list[Attachment] = spec(conv=list_of(Attachment), default=[])


@erp_model
class Metadata(ErpModel):
    total_count: int | None = spec()
    max_page_size: int | None = spec()


@erp_model
class SupplierInvoice(ErpModel):
    """One supplier invoice. ``etag`` is the ``ETag`` header, else the body's ``timeStamp``."""

    document_type: str | None = spec()
    reference_number: str | None = spec()
    status: str | None = spec()
    approval_status: str | None = spec()
    hold: bool | None = spec()
    supplier: SupplierRef | None = spec(conv=nested(SupplierRef))
    location: NumberName | None = spec(conv=nested(NumberName))
    date: datetime | None = spec(conv=as_datetime)
    orig_invoice_date: datetime | None = spec(conv=as_datetime)
    due_date: datetime | None = spec(conv=as_datetime)
    pay_date: datetime | None = spec(conv=as_datetime)
    post_period: str | None = spec()
    financial_period: str | None = spec()
    currency_id: str | None = spec()
    exchange_rate: float | None = spec()
    amount: float | None = spec()
    vat_amount: float | None = spec()
    balance: float | None = spec()
    balance_in_currency: float | None = spec()
    detail_total: float | None = spec()
    vat_total: float | None = spec()
    supplier_reference: str | None = spec()
    buyer_reference: str | None = spec()
    description: str | None = spec()
    note: str | None = spec()
    payment_ref_no: str | None = spec()
    branch_number: NumberName | None = spec(conv=nested(NumberName))
    document_version_number: int | None = spec()
    created_date_time: datetime | None = spec(conv=as_datetime)
    last_modified_date_time: datetime | None = spec(conv=as_datetime)
    time_stamp: str | None = spec()
    error_info: str | None = spec()
    invoice_lines: list[SupplierInvoiceLine] = spec(conv=list_of(SupplierInvoiceLine), default=[])
    attachments: list[Attachment] = spec(conv=list_of(Attachment), default=[])
    metadata: Metadata | None = spec(conv=nested(Metadata))
    etag_header: str | None = local()

    @property
    def etag(self) -> str | None:
        return etag_of(self.etag_header, self.time_stamp)

    @property
    def number(self) -> str | None:
        """The invoice number the ERP's paths use (``referenceNumber``)."""
        return self.reference_number


@erp_model
class ActionResult(ErpModel):
    """What a synchronous action returned (``…ActionResultDto``). ``action_result`` is Queued,
    InProcess, Failed or Done; the ERP often cannot tell whether the action succeeded, so GET the
    invoice to learn its real state."""

    action_id: str | None = spec()
    action_result: str | None = spec()
    error_info: str | None = spec()
    ref_nbr: str | None = spec()
    error_message: str | None = spec()
    reference_number: str | None = spec()
    status: int | None = local()
    etag_header: str | None = local()

    @property
    def etag(self) -> str | None:
        return etag_of(self.etag_header, None)


@erp_model
class WriteResult(ErpModel):
    """A write that answered without a document (204 after PUT, 201 after an attachment):
    the new ``etag`` and, if sent, the ``location``."""

    status: int | None = local()
    location: str | None = local()
    etag_header: str | None = local()

    @property
    def etag(self) -> str | None:
        return etag_of(self.etag_header, None)
