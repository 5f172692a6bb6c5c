"""Supplier invoices: list with filters and paging, GET with ETag, PUT with If-Match (OAS-2025)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from erpsim.call import Call
from erpsim.demo_documents import iso
from erpsim.events import Event, record
from erpsim.financials.common import (
    Paging,
    bad_request,
    bool_arg,
    date_filter,
    enum_arg,
    etag_matches,
    find_document,
    number_filter,
    parse_moment,
    precondition_failed,
    with_etag,
)
from erpsim.financials.updates import parse_update
from erpsim.replies import JSON, Reply, empty_reply, encode_json, json_reply
from erpsim.specs import FINANCIALS, enum
from erpsim.state import Company
from erpsim.versions import timestamp_of

if TYPE_CHECKING:
    from erpsim.app import SandboxApp

DOCUMENT_TYPES = enum(FINANCIALS, "SupplierInvoiceDto", "documentType")
# The list filter's own enum (OAS-2025 GET /v1/supplierInvoice, parameter documentType).
FILTER_DOCUMENT_TYPES = ("Invoice", "CreditAdj", "DebitAdj", "Prepayment", "Refund", "Payment")
STATUSES = enum(FINANCIALS, "SupplierInvoiceDto", "status")
_LOOKUP_ORDER = ("Invoice", *(t for t in DOCUMENT_TYPES if t != "Invoice"))
RELEASED_STATUSES = frozenset({"Open", "Closed"})

_STRING_UPDATES = {
    "description": "description",
    "supplierReference": "supplierReference",
    "note": "note",
    "paymentRefNo": "paymentRefNo",
    "paymentMessage": "paymentMessage",
    "cashAccount": "cashAccount",
}
_DATE_UPDATES = ("date", "dueDate", "cashDiscountDate", "payDate", "origInvoiceDate")
# Parts a list leaves out unless asked for (expand* parameters of the list operation).
_LIST_EXPANDS = {
    "expandAttachment": "attachments",
    "expandApproval": "approvalDetails",
    "expandNote": "note",
    "expandLandedCosts": "landedCosts",
}


def find_invoice(
    call: Call, company: Company, number: str, document_type: str | None
) -> dict[str, Any]:
    """By type and number, or by number alone (an Invoice first, then the other types)."""
    return find_document(
        call,
        company.invoices,
        number,
        document_type,
        _LOOKUP_ORDER,
        "supplier invoice",
        "document type",
    )


def etag_of(invoice: dict[str, Any]) -> str:
    return timestamp_of(invoice["_rowversion"])


def to_dto(
    invoice: dict[str, Any],
    *,
    leave_out: frozenset[str] = frozenset(),
    line_prebook: bool = True,
    total_count: int = 1,
    max_page_size: int = 100,
) -> dict[str, Any]:
    dto = {k: v for k, v in invoice.items() if k[0] != "_" and k not in leave_out}
    # Only documents that were prebooked have line prebook accounts to hide; others go as they are.
    if not line_prebook and any("prebookAccount" in line for line in invoice["invoiceLines"]):
        dto["invoiceLines"] = [
            {k: v for k, v in line.items() if k not in ("prebookAccount", "prebookSubaccount")}
            for line in invoice["invoiceLines"]
        ]
    dto["timeStamp"] = etag_of(invoice)
    dto["metadata"] = {"totalCount": total_count, "maxPageSize": max_page_size}
    return dto


def set_status(call: Call, invoice: dict[str, Any], status: str) -> None:
    """Change the document's status (and hold flag); a real change fires AP Invoice "Status
    Changed", the only event the ERP publishes for supplier invoices (operations-facts C9)."""
    invoice["hold"] = status == "Hold"
    if invoice["status"] != status:
        invoice["status"] = status
        record(
            call,
            Event.AP_INVOICE_STATUS_CHANGED,
            f"{invoice['documentType']}/{invoice['referenceNumber']}",
        )


def new_version(app: SandboxApp, document: dict[str, Any]) -> str:
    """Record a change to any AP document: new rowversion (its ETag) and modification time."""
    sandbox = app.sandbox
    document["_rowversion"] = sandbox.next_rowversion()
    document["lastModifiedDateTime"] = iso(sandbox.clock.utcnow())
    return etag_of(document)


def touch(app: SandboxApp, invoice: dict[str, Any]) -> str:
    """Record a change to an invoice: new version, version number and modification time."""
    invoice["documentVersionNumber"] = invoice.get("documentVersionNumber", 0) + 1
    return new_version(app, invoice)


# -- handlers ----------------------------------------------------------------------------------


def get_invoice(call: Call, app: SandboxApp) -> Reply:
    assert call.company is not None
    company = call.company
    landed_costs = bool_arg(call, "expandLandedCosts")
    line_prebook = bool_arg(call, "expandLinePrebookAccounts")
    max_page_size = app.sandbox.options.max_page_size
    with app.sandbox.lock:
        invoice = find_invoice(
            call, company, call.params["invoiceNumber"], call.params.get("documentType")
        )
        etag = etag_of(invoice)
        # A document's JSON only changes with its version, so it is encoded once per version.
        key = (
            invoice["documentType"],
            invoice["referenceNumber"],
            etag,
            landed_costs,
            line_prebook,
        )
        body = company.encoded.get(key)
        if body is None:
            dto = to_dto(
                invoice,
                leave_out=frozenset() if landed_costs else frozenset({"landedCosts"}),
                line_prebook=line_prebook,
                max_page_size=max_page_size,
            )
            body = company.remember_encoding(key, encode_json(dto))
    return with_etag(Reply(200, body, JSON), etag)


def list_invoices(call: Call, app: SandboxApp) -> Reply:
    assert call.company is not None
    options = app.sandbox.options
    matches = _filters(call)
    paging = Paging.of(call, options.max_page_size)
    leave_out = frozenset(
        field for flag, field in _LIST_EXPANDS.items() if not bool_arg(call, flag)
    )
    line_prebook = bool_arg(call, "expandLinePrebookAccounts")
    with app.sandbox.lock:
        found = [inv for inv in call.company.invoices.values() if all(m(inv) for m in matches)]
        window = paging.window(found)
        body = [
            to_dto(
                inv,
                leave_out=leave_out,
                line_prebook=line_prebook,
                total_count=len(found),
                max_page_size=options.max_page_size,
            )
            for inv in window
        ]
    return json_reply(200, body)


def _filters(call: Call) -> list[Any]:
    matches: list[Any] = []
    status = enum_arg(call, "status", STATUSES)
    if status:
        matches.append(lambda inv: inv["status"] == status)
    document_type = enum_arg(call, "documentType", FILTER_DOCUMENT_TYPES)
    if document_type:
        matches.append(lambda inv: inv["documentType"] == document_type)
    supplier = call.arg("supplier")
    if supplier:
        matches.append(lambda inv: inv["supplier"]["number"] == supplier)
    branch = call.arg("branch")
    if branch:
        matches.append(lambda inv: inv["branchNumber"]["number"] == branch)
    period = call.arg("financialPeriod")
    if period:
        if len(period) != 6 or not period.isdigit():
            raise bad_request(
                call, f"The value '{period}' is not valid for financialPeriod (YYYYPP)."
            )
        matches.append(lambda inv: inv["financialPeriod"] == period)
    released = call.arg("released")
    if released not in (None, ""):
        if released not in ("0", "1"):
            raise bad_request(call, "released must be 0 or 1.")
        want = released == "1"
        matches.append(lambda inv: (inv["status"] in RELEASED_STATUSES) == want)
    item = call.arg("item")
    if item:
        matches.append(
            lambda inv: any(line.get("inventoryNumber") == item for line in inv["invoiceLines"])
        )
    project = call.arg("project")
    if project:
        matches.append(
            lambda inv: any(
                (line.get("project") or {}).get("id") == project for line in inv["invoiceLines"]
            )
        )
    for name, field in (
        ("dueDate", "dueDate"),
        ("docDate", "date"),
        ("lastModifiedDateTime", "lastModifiedDateTime"),
        ("createdDateTime", "createdDateTime"),
    ):
        condition = date_filter(call, name)
        if condition:
            compare, moment = condition
            matches.append(
                lambda inv, f=field, c=compare, m=moment: f in inv and c(parse_moment(inv[f]), m)
            )
    balance = number_filter(call, "balance")
    if balance:
        compare_balance, amount = balance
        matches.append(lambda inv: compare_balance(inv["balance"], amount))
    return matches


def put_invoice(call: Call, app: SandboxApp) -> Reply:
    assert call.company is not None
    changes = _parse_update(call)
    with app.sandbox.lock:
        invoice = find_invoice(
            call, call.company, call.params["invoiceNumber"], call.params.get("documentType")
        )
        if_match = call.header("if-match")
        if if_match is not None and not etag_matches(if_match, etag_of(invoice)):
            raise precondition_failed(call)
        if invoice["status"] in ("Closed", "Voided"):
            raise bad_request(call, f"A {invoice['status'].lower()} document cannot be changed.")
        _apply(call, invoice, changes)
        etag = touch(app, invoice)
    return with_etag(empty_reply(204), etag)


def _parse_update(call: Call) -> dict[str, Any]:
    changes = parse_update(call, "SupplierInvoiceUpdateDto")
    for name, value in changes.items():
        if name in _STRING_UPDATES and name != "note" and value and len(value) > 255:
            raise bad_request(call, f"{name} is longer than 255 characters.")
    return changes


def _apply(call: Call, invoice: dict[str, Any], changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        if name in _STRING_UPDATES:
            invoice[_STRING_UPDATES[name]] = value or ""
        elif name in _DATE_UPDATES and value is not None:
            invoice[name] = value
        elif name == "hold" and value is not None:
            if value and invoice["status"] == "Balanced":
                set_status(call, invoice, "Hold")
            elif not value and invoice["status"] == "Hold":
                set_status(call, invoice, "Balanced")
        elif name == "exchangeRate" and value is not None:
            invoice["exchangeRate"] = value
        elif name == "creditTermsId" and value:
            invoice["creditTerms"] = {"id": value, "description": value}
        elif name == "locationId" and value:
            invoice["location"] = {**invoice["location"], "id": value}
