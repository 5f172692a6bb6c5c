"""Supplier invoices (Financials API): what each call sends and how its answer is read.

Paths follow OAS-2025 exactly (``supplierInvoice`` in camel case; ``voidinvoice``,
``sendtoapproval``; attachments under ``documentType/{documentType}/…``). Every write takes
``if_match=`` (an ETag string or the invoice you read) and ``background=`` (a ``Background``); with
``background`` the ERP answers 202 and the call returns ``BackgroundAccepted``. Note the ERP checks
``If-Match`` on actions only together with ``erp-api-background``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any, Unpack

from .._operation import FileUpload, Operation, build_path
from ..config import Service
from ..filters import When
from ..models.background import BackgroundAccepted
from ..models.supplier_invoices import ActionResult, SupplierInvoice, WriteResult
from ..pagination import PageData
from . import _financials as financials
from ._financials import WriteOptions, read_action, read_write

FAMILY = "supplierInvoice"
LIST = "/v1/supplierInvoice"
BY_NUMBER = "/v1/supplierInvoice/{invoiceNumber}"
BY_TYPE = "/v1/supplierInvoice/{documentType}/{invoiceNumber}"
ATTACH = "/v1/supplierInvoice/{invoiceNumber}/attachment"
ATTACH_BY_TYPE = "/v1/supplierInvoice/documentType/{documentType}/{invoiceNumber}/attachment"
ATTACH_LINE = "/v1/supplierInvoice/{invoiceNumber}/{lineNumber}/attachment"
ATTACH_LINE_BY_TYPE = (
    "/v1/supplierInvoice/documentType/{documentType}/{invoiceNumber}/{lineNumber}/attachment"
)
# The document type of the paths that need one when the caller names none.
INVOICE = "Invoice"
# These actions exist only on the path that names the document type.
_TYPED_ONLY_ACTIONS = frozenset({"prebook", "voidinvoice", "sendtoapproval", "reverse"})

_read_invoice = financials.document_reader(SupplierInvoice)
_write = partial(financials.write_operation, FAMILY)


# --- operations ----------------------------------------------------------------------------------


def invoice_filters(
    *,
    supplier: str | None = None,
    document_type: str | None = None,
    status: str | None = None,
    released: bool | None = None,
    branch: str | None = None,
    financial_period: str | None = None,
    project: str | None = None,
    item: str | None = None,
    doc_date: When | None = None,
    due_date: When | None = None,
    last_modified_date_time: When | None = None,
    created_date_time: When | None = None,
    expand_attachment: bool | None = None,
    expand_approval: bool | None = None,
    expand_note: bool | None = None,
    expand_line_prebook_accounts: bool | None = None,
    expand_landed_costs: bool | None = None,
) -> dict[str, Any]:
    """The list filters as the ERP's query parameters."""
    params: dict[str, Any] = {
        "supplier": supplier,
        "documentType": document_type,
        "status": status,
        "released": None if released is None else int(released),
        "branch": branch,
        "financialPeriod": financial_period,
        "project": project,
        "item": item,
        "expandAttachment": expand_attachment,
        "expandApproval": expand_approval,
        "expandNote": expand_note,
        "expandLinePrebookAccounts": expand_line_prebook_accounts,
        "expandLandedCosts": expand_landed_costs,
    }
    params.update(
        financials.dated_params(
            (
                ("docDate", doc_date, True),
                ("dueDate", due_date, True),
                ("lastModifiedDateTime", last_modified_date_time, False),
                ("createdDateTime", created_date_time, False),
            )
        )
    )
    return params


def page_operation(
    page_number: int, *, page_size: int, filters: Mapping[str, Any]
) -> Operation[PageData[SupplierInvoice]]:
    return financials.page_operation(
        SupplierInvoice, FAMILY, LIST, page_number, page_size=page_size, filters=filters
    )


def _invoice_path(template_typed: str, template_plain: str, **params: Any) -> tuple[str, str]:
    document_type = params.pop("documentType", None)
    if document_type is None:
        return template_plain, build_path(template_plain, **params)
    return template_typed, build_path(template_typed, documentType=document_type, **params)


def get_operation(number: str, document_type: str | None) -> Operation[SupplierInvoice]:
    template, path = _invoice_path(
        BY_TYPE, BY_NUMBER, invoiceNumber=number, documentType=document_type
    )
    return Operation("GET", Service.ERP, template, path, FAMILY, _read_invoice)


def update_operation(
    number: str, body: Mapping[str, Any], document_type: str | None, **write: Unpack[WriteOptions]
) -> Operation[WriteResult | BackgroundAccepted]:
    if not isinstance(body, Mapping) or not body:
        raise ValueError("update needs a non-empty SupplierInvoiceUpdateDto body")
    template, path = _invoice_path(
        BY_TYPE, BY_NUMBER, invoiceNumber=number, documentType=document_type
    )
    return _write("PUT", template, path, read_write, json=dict(body), **write)


def action_operation(
    number: str,
    action: str,
    document_type: str | None,
    body: Mapping[str, Any] | None = None,
    **write: Unpack[WriteOptions],
) -> Operation[ActionResult | BackgroundAccepted]:
    if action in _TYPED_ONLY_ACTIONS and not document_type:
        raise ValueError(f"the {action} action needs a document_type (for example 'Invoice')")
    suffix = f"/action/{action}"
    template, path = _invoice_path(
        BY_TYPE + suffix, BY_NUMBER + suffix, invoiceNumber=number, documentType=document_type
    )
    return _write("POST", template, path, read_action, json=body, **write)


def prebook_body(
    account: str | None, subaccount: Mapping[int, str] | Sequence[Mapping[str, Any]] | None
) -> dict[str, Any] | None:
    """``PrebookingUpdateDto``: ``{"accountNumber": {"value": …}, "subaccount": [{segmentId,
    segmentValue}]}``; ``subaccount`` may be ``{segment_id: value}``."""
    body: dict[str, Any] = {}
    if account is not None:
        if not str(account).strip():
            raise ValueError("account must not be empty")
        body["accountNumber"] = {"value": str(account)}
    if subaccount is not None:
        if isinstance(subaccount, Mapping):
            segments = [
                {"segmentId": int(segment), "segmentValue": str(value)}
                for segment, value in subaccount.items()
            ]
        else:
            segments = []
            for segment in subaccount:
                if "segmentId" not in segment or "segmentValue" not in segment:
                    raise ValueError("each subaccount segment needs segmentId and segmentValue")
                segments.append(
                    {
                        "segmentId": int(segment["segmentId"]),
                        "segmentValue": str(segment["segmentValue"]),
                    }
                )
        body["subaccount"] = segments
    return body or None


def attach_operation(
    number: str,
    upload: FileUpload,
    document_type: str | None,
    line_number: int | None = None,
    **write: Unpack[WriteOptions],
) -> Operation[WriteResult | BackgroundAccepted]:
    if line_number is None:
        template, path = _invoice_path(
            ATTACH_BY_TYPE, ATTACH, invoiceNumber=number, documentType=document_type
        )
    else:
        if not isinstance(line_number, int) or line_number < 1:
            raise ValueError("line_number must be a line number of the invoice (1 or more)")
        template, path = _invoice_path(
            ATTACH_LINE_BY_TYPE,
            ATTACH_LINE,
            invoiceNumber=number,
            lineNumber=line_number,
            documentType=document_type,
        )
    return _write("POST", template, path, read_write, upload=upload, **write)
