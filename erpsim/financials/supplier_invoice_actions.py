"""Supplier invoice actions at their OAS-2025 paths: release, prebook, voidinvoice, sendtoapproval,
reverse, correct, and header / line attachments (multipart).

Each changes the document the way the ERP does and gives it a new version. ``If-Match`` is honoured
only when the call runs through the Background API (OAS-2025: "If-Match can be checked against
resource current version when calling with 'erp-api-background'"; the SEED ETag article says the
same for all of them).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from starlette.datastructures import Headers, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from erpsim.call import Call
from erpsim.financials.common import (
    bad_request,
    etag_matches,
    failure,
    json_object,
    precondition_failed,
    with_etag,
)
from erpsim.financials.ledger import LedgerError, check_account, check_subaccount
from erpsim.financials.supplier_invoices import etag_of, find_invoice, set_status, touch
from erpsim.replies import Reply, json_reply
from erpsim.state import Company

if TYPE_CHECKING:
    from erpsim.app import SandboxApp

# File types the ERP takes as attachments (Visma's release note for order attachments, 2024-07-30;
# the sandbox applies them to supplier invoices too, see docs/sandbox.md).
ATTACHMENT_EXTENSIONS = (
    "doc",
    "docx",
    "gif",
    "jpeg",
    "jpg",
    "msg",
    "pdf",
    "pfx",
    "png",
    "ppt",
    "pptx",
    "rtf",
    "tif",
    "tiff",
    "txt",
    "xls",
    "xlsx",
    "xml",
    "zip",
)
_REVERSAL_TYPE = {"Invoice": "DebitAdj", "CreditAdj": "DebitAdj", "DebitAdj": "CreditAdj"}


def _locate(call: Call, app: SandboxApp) -> dict[str, Any]:
    assert call.company is not None
    invoice = find_invoice(
        call, call.company, call.params["invoiceNumber"], call.params.get("documentType")
    )
    if call.background:
        if_match = call.header("if-match")
        if if_match is not None and not etag_matches(if_match, etag_of(invoice)):
            raise precondition_failed(call)
    return invoice


def _done(app: SandboxApp, etag: str, **extra: Any) -> Reply:
    body = {"actionId": app.sandbox.ids.guid(), "actionResult": "Done", **extra}
    return with_etag(json_reply(200, body), etag)


def _refuse_if_pending_approval(call: Call, invoice: dict[str, Any]) -> None:
    if invoice["approvalStatus"] in ("SentToApproval", "ReceivedByApproval", "InProgressApproval"):
        raise bad_request(call, "The document is waiting for approval.")
    if invoice["approvalStatus"] == "RejectedInApproval":
        raise bad_request(call, "The document was rejected in approval.")


def release(call: Call, app: SandboxApp) -> Reply:
    with app.sandbox.lock:
        invoice = _locate(call, app)
        status = invoice["status"]
        if status == "Hold":
            raise bad_request(call, "The document is on hold and cannot be released.")
        if status in ("Open", "Closed", "Printed", "Reserved"):
            raise bad_request(call, "The document is already released.")
        if status in ("Voided", "Scheduled"):
            raise bad_request(call, f"A {status.lower()} document cannot be released.")
        _refuse_if_pending_approval(call, invoice)
        set_status(call, invoice, "Open")
        invoice["balance"] = invoice["balanceInCurrency"] = invoice["amount"]
        etag = touch(app, invoice)
    return _done(app, etag)


def prebook(call: Call, app: SandboxApp) -> Reply:
    account, subaccount = _prebooking(call)
    with app.sandbox.lock:
        invoice = _locate(call, app)
        if invoice["documentType"] not in ("Invoice", "CreditAdj", "DebitAdj"):
            raise bad_request(call, f"A {invoice['documentType']} cannot be prebooked.")
        if invoice["status"] != "Balanced":
            raise bad_request(
                call, f"Only balanced documents can be prebooked; this one is {invoice['status']}."
            )
        _refuse_if_pending_approval(call, invoice)
        for line in invoice["invoiceLines"]:
            line["prebookAccount"] = dict(account)
            line["prebookSubaccount"] = copy.deepcopy(subaccount)
        set_status(call, invoice, "Prebooked")
        etag = touch(app, invoice)
    return _done(app, etag)


def _prebooking(call: Call) -> tuple[dict[str, Any], dict[str, Any]]:
    """``PrebookingUpdateDto`` (``{"accountNumber": {"value": ...}, "subaccount": [...]}``) as
    the line's ``prebookAccount`` and ``prebookSubaccount``; a bad body or an account or
    subaccount the ledger does not have is refused before anything changes."""
    body = json_object(call, "PrebookingUpdateDto", {"accountNumber", "subaccount"})
    wrapper = body.get("accountNumber")
    if not isinstance(wrapper, dict) or not isinstance(wrapper.get("value"), str):
        raise bad_request(call, 'accountNumber must be written as {"value": "<account>"}.')
    segments = body.get("subaccount") or []
    if not isinstance(segments, list) or not all(
        isinstance(s, dict)
        and isinstance(s.get("segmentId"), int)
        and not isinstance(s.get("segmentId"), bool)
        and isinstance(s.get("segmentValue"), str)
        and not set(s) - {"segmentId", "segmentValue"}
        for s in segments
    ):
        raise bad_request(
            call, "subaccount must be a list of {segmentId: int, segmentValue: string}."
        )
    try:
        return check_account(wrapper["value"]), check_subaccount(segments)
    except LedgerError as error:
        raise bad_request(call, str(error)) from None


def void_invoice(call: Call, app: SandboxApp) -> Reply:
    with app.sandbox.lock:
        invoice = _locate(call, app)
        status = invoice["status"]
        if status in ("Open", "Closed", "Printed", "Reserved"):
            raise bad_request(call, "A released document cannot be voided; reverse it instead.")
        if status == "Voided":
            raise bad_request(call, "The document is already voided.")
        set_status(call, invoice, "Voided")
        invoice["balance"] = invoice["balanceInCurrency"] = 0.0
        etag = touch(app, invoice)
    return _done(app, etag)


def send_to_approval(call: Call, app: SandboxApp) -> Reply:
    with app.sandbox.lock:
        invoice = _locate(call, app)
        if invoice["status"] not in ("Hold", "Balanced"):
            raise bad_request(
                call,
                "Only unreleased documents can be sent to approval; "
                f"this one is {invoice['status']}.",
            )
        if invoice["approvalStatus"] not in ("New", "Canceled", "RejectedInApproval"):
            raise bad_request(
                call, f"The document is already in approval ({invoice['approvalStatus']})."
            )
        invoice["approvalStatus"] = "SentToApproval"
        etag = touch(app, invoice)
    return _done(app, etag)


def reverse(call: Call, app: SandboxApp) -> Reply:
    with app.sandbox.lock:
        invoice = _locate(call, app)
        if invoice["status"] not in ("Open", "Closed"):
            raise bad_request(call, "Only released documents can be reversed.")
        new_type = _REVERSAL_TYPE.get(invoice["documentType"])
        if new_type is None:
            raise bad_request(call, f"A {invoice['documentType']} cannot be reversed.")
        assert call.company is not None
        reversal = _copy_as(app, call.company, invoice, new_type, "Balanced")
        reversal["description"] = (
            f"Reversal of {invoice['documentType']} {invoice['referenceNumber']}"
        )
        etag = touch(app, invoice)
    # ReverseInvoiceActionResultDto (the customer-invoice reverse result; the supplier one is not
    # published): referenceNumber is the new document.
    return _done(app, etag, referenceNumber=reversal["referenceNumber"])


def correct(call: Call, app: SandboxApp) -> Reply:
    with app.sandbox.lock:
        invoice = _locate(call, app)
        if invoice["documentType"] != "Invoice" or invoice["status"] != "Open":
            raise bad_request(call, "Only open (released) invoices can be corrected.")
        if invoice["balance"] != invoice["amount"]:
            raise bad_request(call, "A partly paid invoice cannot be corrected.")
        assert call.company is not None
        # The ERP reverses the original with a debit adjustment and opens an editable copy.
        reversal = _copy_as(app, call.company, invoice, "DebitAdj", "Closed")
        reversal["balance"] = reversal["balanceInCurrency"] = 0.0
        reversal["description"] = f"Correction of Invoice {invoice['referenceNumber']}"
        corrected = _copy_as(app, call.company, invoice, "Invoice", "Hold")
        set_status(call, invoice, "Closed")
        invoice["balance"] = invoice["balanceInCurrency"] = 0.0
        etag = touch(app, invoice)
    return _done(app, etag, refNbr=corrected["referenceNumber"])


def _copy_as(
    app: SandboxApp, company: Company, original: dict[str, Any], document_type: str, status: str
) -> dict[str, Any]:
    sandbox = app.sandbox
    copied = copy.deepcopy(original)
    number = f"{company.next_invoice_number:06d}"
    company.next_invoice_number += 1
    now = sandbox.clock.utcnow()
    copied.update(
        {
            "documentType": document_type,
            "referenceNumber": number,
            "status": status,
            "hold": status == "Hold",
            "approvalStatus": "New",
            "balance": copied["amount"],
            "balanceInCurrency": copied["amount"],
            "documentVersionNumber": 1,
            "attachments": [],
            "createdDateTime": now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "lastModifiedDateTime": now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "_rowversion": sandbox.next_rowversion(),
        }
    )
    copied.pop("closedFinancialPeriod", None)
    copied.pop("payDate", None)
    company.invoices[(document_type, number)] = copied
    return copied


async def attach(call: Call, app: SandboxApp) -> Reply:
    """Header or line attachment; the same file name again makes a new revision."""
    files = await _uploaded_files(call, app.sandbox.options.max_attachment_bytes)
    with app.sandbox.lock:
        invoice = _locate(call, app)
        target = invoice
        line_number = call.params.get("lineNumber")
        if line_number is not None:
            target = next(
                (ln for ln in invoice["invoiceLines"] if str(ln["lineNumber"]) == line_number), None
            )
            if target is None:
                raise failure(call, 404, f"Line {line_number} was not found on the document.")
        attachment: dict[str, Any] = {}
        for name in files:
            existing = next((a for a in target["attachments"] if a["name"] == name), None)
            if existing is not None:
                existing["revision"] += 1
                attachment = existing
            else:
                attachment = {"name": name, "id": app.sandbox.ids.guid(), "revision": 1}
                target["attachments"].append(attachment)
        etag = touch(app, invoice)
    # The 201 body is declared only as "object"; the sandbox returns the attachment it stored.
    return with_etag(json_reply(201, dict(attachment)), etag)


async def _uploaded_files(call: Call, max_bytes: int) -> list[str]:
    """The names of the uploaded files, each of an allowed type and at most ``max_bytes``."""
    if call.content_type != "multipart/form-data":
        raise failure(call, 415, "Attachments must be uploaded as multipart/form-data.")

    async def stream() -> Any:
        yield call.body

    parser = MultiPartParser(Headers({"content-type": call.headers["content-type"]}), stream())
    try:
        form = await parser.parse()
    except MultiPartException as error:
        raise bad_request(call, f"The multipart body could not be read: {error.message}") from None
    files: list[tuple[str, int]] = []
    for _key, value in form.multi_items():
        if isinstance(value, UploadFile):
            files.append((value.filename or "", value.size or 0))
    await form.close()
    if not files:
        raise bad_request(call, "The request contains no file.")
    for name, size in files:
        _check_file(call, name, size, max_bytes)
    return [name for name, _size in files]


def _check_file(call: Call, name: str, size: int, max_bytes: int) -> None:
    if not name:
        raise bad_request(call, "Every uploaded file needs a file name.")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ATTACHMENT_EXTENSIONS:
        raise bad_request(
            call,
            f"The file type of '{name}' is not allowed. Allowed types: "
            f"{', '.join(ATTACHMENT_EXTENSIONS)}.",
        )
    if size > max_bytes:
        raise failure(
            call,
            413,
            f"The file '{name}' is {size} bytes; an attachment may be at most {max_bytes} bytes.",
        )
