"""Control calls where "someone else" changes a document between a page load and a submit.

Each gives the document a new version (so a stale ``If-Match`` now gets 412) and answers with the
old and new ``timeStamp``. Named fields are set as given; with none, the description gets
"(changed by someone else)".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from erpsim.call import Call
from erpsim.control_input import body, choice, company_of, moment, refuse
from erpsim.demo_documents import iso_date
from erpsim.financials.supplier_invoices import DOCUMENT_TYPES, STATUSES, etag_of, new_version
from erpsim.financials.supplier_invoices import touch as touch_invoice_version
from erpsim.financials.supplier_payments import PAYMENT_STATUSES, PAYMENT_TYPES
from erpsim.replies import Reply, json_reply
from erpsim.specs import FINANCIALS, schema

if TYPE_CHECKING:
    from erpsim.app import SandboxApp

APPROVAL_STATUSES = tuple(
    schema(FINANCIALS, "SupplierInvoiceDto")["properties"]["approvalStatus"]["enum"]
)
SOMEONE_ELSE = " (changed by someone else)"
# Statuses after which nothing is left to pay.
_SETTLED = ("Closed", "Voided")


def _canonical(raw: str, allowed: tuple[str, ...], what: str) -> str:
    found = next((value for value in allowed if value.lower() == raw.lower()), None)
    if found is None:
        raise refuse(f"Unknown {what} {raw}. Known: {', '.join(allowed)}.")
    return found


def _text_fields(data: dict[str, Any], names: tuple[str, ...], limit: int) -> dict[str, str]:
    found = {}
    for name in names:
        if name in data:
            value = data[name]
            if not isinstance(value, str) or len(value) > limit:
                raise refuse(f"{name} must be a string of at most {limit} characters.")
            found[name] = value
    return found


def _answer(old: str, new: str, changed: dict[str, Any]) -> Reply:
    return json_reply(
        200, {"previous_timeStamp": old, "timeStamp": new, "etag": f'"{new}"', "changed": changed}
    )


def touch_invoice(call: Call, app: SandboxApp) -> Reply:
    fields = (
        "description",
        "supplierReference",
        "note",
        "dueDate",
        "date",
        "status",
        "approvalStatus",
    )
    data = body(call, set(fields))
    changes: dict[str, Any] = _text_fields(data, ("description", "supplierReference"), 255)
    changes.update(_text_fields(data, ("note",), 2048))
    for name in ("dueDate", "date"):
        if name in data:
            changes[name] = iso_date(moment(data, name))
    if "status" in data:
        changes["status"] = choice(data, "status", STATUSES)
    if "approvalStatus" in data:
        changes["approvalStatus"] = choice(data, "approvalStatus", APPROVAL_STATUSES)
    sandbox = app.sandbox
    with sandbox.lock:
        company = company_of(app, call.params["tenant_id"])
        document_type = _canonical(call.params["documentType"], DOCUMENT_TYPES, "document type")
        invoice = company.invoices.get((document_type, call.params["number"]))
        if invoice is None:
            raise refuse(f"No supplier invoice {document_type} {call.params['number']}.", 404)
        if not changes:
            changes["description"] = f"{invoice['description']}{SOMEONE_ELSE}"[:255]
        old = etag_of(invoice)
        _apply_invoice(invoice, changes)
        new = touch_invoice_version(app, invoice)
    return _answer(old, new, changes)


def _apply_invoice(invoice: dict[str, Any], changes: dict[str, Any]) -> None:
    status = changes.pop("status", None)
    invoice.update(changes)
    if status is not None:
        changes["status"] = status
        invoice["status"], invoice["hold"] = status, status == "Hold"
        if status in _SETTLED:
            invoice["balance"] = invoice["balanceInCurrency"] = 0.0


def touch_payment(call: Call, app: SandboxApp) -> Reply:
    data = body(call, {"description", "paymentRef", "applicationDate", "status"})
    changes: dict[str, Any] = _text_fields(data, ("description",), 50)
    changes.update(_text_fields(data, ("paymentRef",), 40))
    if "applicationDate" in data:
        changes["applicationDate"] = iso_date(moment(data, "applicationDate"))
    if "status" in data:
        changes["status"] = choice(data, "status", PAYMENT_STATUSES)
    sandbox = app.sandbox
    with sandbox.lock:
        company = company_of(app, call.params["tenant_id"])
        payment_type = _canonical(call.params["paymentType"], PAYMENT_TYPES, "payment type")
        payment = company.payments.get((payment_type, call.params["number"]))
        if payment is None:
            raise refuse(f"No supplier payment {payment_type} {call.params['number']}.", 404)
        if not changes:
            changes["description"] = f"{payment['description']}{SOMEONE_ELSE}"[:50]
        old = etag_of(payment)
        payment.update(changes)
        if "status" in changes:
            payment["hold"] = changes["status"] == "Hold"
            payment["released"] = changes["status"] in ("Open", "Closed")
        new = new_version(app, payment)
    return _answer(old, new, changes)
