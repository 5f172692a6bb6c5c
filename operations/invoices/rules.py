"""Which action the portal offers on a supplier invoice in which state: the one home of those
rules, mirrored from the ERP's (docs/sandbox.md, Financials API). The ERP still decides: an action
it refuses shows its reason on the job page."""

from __future__ import annotations

from typing import Any

STATUSES = (
    "Hold",
    "Balanced",
    "Voided",
    "Scheduled",
    "Open",
    "Closed",
    "Printed",
    "Prebooked",
    "Reserved",
)
DOCUMENT_TYPES = (
    "Invoice",
    "CreditAdj",
    "DebitAdj",
    "Prepayment",
    "Refund",
    "Check",
    "QuickCheck",
    "VoidCheck",
    "VoidQuickCheck",
)
# The list's documentType filter takes another set than a document's own type (the spec's
# SupplierInvoiceQueryParameters): the ERP answers 400 to a check type there.
FILTER_DOCUMENT_TYPES = ("Invoice", "CreditAdj", "DebitAdj", "Prepayment", "Refund", "Payment")
# Approval states in which an invoice waits for (or was stopped by) its approvers.
IN_APPROVAL = (
    "SentToApproval",
    "ReceivedByApproval",
    "InProgressApproval",
    "ActiveWorkflowApproval",
)
# The approval states in words, for pages (the spec's approvalStatus enum).
APPROVAL_WORDS = {
    "": "None",
    "New": "New",
    "Canceled": "Approval canceled",
    "SentToApproval": "Sent to approval",
    "ReceivedByApproval": "Received by the approvers",
    "InProgressApproval": "Being approved",
    "RejectedInApproval": "Rejected by the approvers",
    "ApprovedInApproval": "Approved",
    "ActiveWorkflowApproval": "In an approval workflow",
}


def approval_words(code: str | None) -> str:
    """An approval status as staff read it; a code the spec does not list, as the ERP sent it."""
    return APPROVAL_WORDS.get(code or "", code or "")


# Approval states from which an invoice may be sent to approval.
APPROVABLE = ("", "New", "Canceled", "RejectedInApproval")
REVERSIBLE_TYPES = ("Invoice", "CreditAdj", "DebitAdj")


def _allowed(invoice: Any, action: str) -> bool:
    status = invoice.status or ""
    approval = invoice.approval_status or ""
    waiting = approval in IN_APPROVAL or approval == "RejectedInApproval"
    if action == "release":
        return status in ("Balanced", "Prebooked") and not invoice.hold and not waiting
    if action == "prebook":
        return status == "Balanced" and not invoice.hold and not waiting
    if action == "void":
        return status in ("Hold", "Balanced", "Prebooked", "Scheduled")
    if action == "send_to_approval":
        return status in ("Hold", "Balanced") and approval in APPROVABLE
    if action == "reverse":
        return status in ("Open", "Closed") and invoice.document_type in REVERSIBLE_TYPES
    if action == "correct":
        return (
            status == "Open"
            and invoice.document_type == "Invoice"
            and invoice.balance is not None
            and invoice.amount is not None
            and abs(invoice.balance - invoice.amount) < 0.005
        )
    if action == "attach":
        return status not in ("Voided",)
    return False


INVOICE_ACTIONS = ("release", "prebook", "void", "send_to_approval", "reverse", "correct", "attach")


def allowed_actions(invoice: Any) -> list[str]:
    """The actions to offer on ``invoice``, in the order the page lists them."""
    return [action for action in INVOICE_ACTIONS if _allowed(invoice, action)]


def why_not(invoice: Any) -> str:
    """In words, when no state-changing action is offered."""
    if invoice.status in ("Voided", "Closed"):
        return f"A {invoice.status.lower()} invoice cannot be changed."
    if (invoice.approval_status or "") in IN_APPROVAL:
        return "The invoice waits for its approvers; actions come back when they have decided."
    return ""
