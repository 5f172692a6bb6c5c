"""Supplier payments (Financials API): list, read, update and release.

Paths follow OAS-2025 (``supplierPayment`` in camel case). ``release`` takes ``if_match=`` and
``background=`` like the supplier-invoice actions; the ERP checks ``If-Match`` on it only together
with ``erp-api-background``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any, Unpack

from .._operation import Operation, build_path
from ..config import Service
from ..filters import When
from ..models.background import BackgroundAccepted
from ..models.supplier_invoices import ActionResult, WriteResult
from ..models.supplier_payments import SupplierPayment
from ..pagination import PageData
from . import _financials as financials
from ._financials import WriteOptions, read_action, read_write

FAMILY = "supplierPayment"
LIST = "/v1/supplierPayment"
BY_NUMBER = "/v1/supplierPayment/{paymentNumber}"
BY_TYPE = "/v1/supplierPayment/{paymentType}/{paymentNumber}"
RELEASE = "/v1/supplierPayment/{paymentNumber}/action/release"


_read_payment = financials.document_reader(SupplierPayment)
_write = partial(financials.write_operation, FAMILY)


def payment_filters(
    *,
    payment_type: str | None = None,
    status: str | None = None,
    supplier: str | None = None,
    branch: str | None = None,
    invoice_ref_nbr: str | None = None,
    financial_period: str | None = None,
    doc_date: When | None = None,
    last_modified_date_time: When | None = None,
) -> dict[str, Any]:
    """The list filters as the ERP's query parameters."""
    params: dict[str, Any] = {
        "paymentType": payment_type,
        "status": status,
        "supplier": supplier,
        "branch": branch,
        "invoiceRefNbr": invoice_ref_nbr,
        "financialPeriod": financial_period,
    }
    params.update(
        financials.dated_params(
            (
                ("docDate", doc_date, True),
                ("lastModifiedDateTime", last_modified_date_time, False),
            )
        )
    )
    return params


def page_operation(
    page_number: int, *, page_size: int, filters: Mapping[str, Any]
) -> Operation[PageData[SupplierPayment]]:
    return financials.page_operation(
        SupplierPayment, FAMILY, LIST, page_number, page_size=page_size, filters=filters
    )


def get_operation(number: str, payment_type: str | None) -> Operation[SupplierPayment]:
    if payment_type:
        path = build_path(BY_TYPE, paymentType=payment_type, paymentNumber=number)
        return Operation("GET", Service.ERP, BY_TYPE, path, FAMILY, _read_payment)
    path = build_path(BY_NUMBER, paymentNumber=number)
    return Operation("GET", Service.ERP, BY_NUMBER, path, FAMILY, _read_payment)


def update_operation(
    number: str, body: Mapping[str, Any], **write: Unpack[WriteOptions]
) -> Operation[WriteResult | BackgroundAccepted]:
    if not isinstance(body, Mapping) or not body:
        raise ValueError("update needs a non-empty SupplierPaymentUpdateDto body")
    path = build_path(BY_NUMBER, paymentNumber=number)
    return _write("PUT", BY_NUMBER, path, read_write, json=dict(body), **write)


def release_operation(
    number: str, payment_type: str | None, **write: Unpack[WriteOptions]
) -> Operation[ActionResult | BackgroundAccepted]:
    body = {"type": {"value": payment_type}} if payment_type else None
    path = build_path(RELEASE, paymentNumber=number)
    return _write("POST", RELEASE, path, read_action, json=body, **write)
