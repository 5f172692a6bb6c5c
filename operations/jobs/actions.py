"""What each queued operation sends, and how its document is read back: the one home of the
operations that run through the Background API (their names, labels and what they promise).

Each action is sent with ``If-Match`` (the version the person saw) and
``erp-api-background: subscription:x-job-id=<job's correlation id>``; the ERP checks the
If-Match on actions only in that mode (visma-api-facts.md §4).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from erpclient import Background, BackgroundAccepted, ErpClient

from ..refresh import Kind
from .models import BackgroundJob

# The header name of our correlation pair; it comes back as a header of the notification.
CORRELATION_HEADER = "x-job-id"

Send = Callable[[ErpClient, BackgroundJob, Background], Any]


@dataclass(frozen=True, slots=True)
class Action:
    name: str
    label: str
    kind: Kind
    # What the confirmation says will happen.
    promise: str
    send: Send
    # How the confirm button joins the action to the document: "attach a file to Invoice 7".
    joins_with: str = ""


def _invoice(job: BackgroundJob) -> dict[str, Any]:
    return {"if_match": job.if_match or None}


def _typed(job: BackgroundJob) -> str:
    return job.document_type or "Invoice"


def _invoice_action(
    method: str, *, typed: bool = True, arguments: Callable[[BackgroundJob], dict] | None = None
) -> Send:
    """Send ``client.supplier_invoices.<method>`` on the job's invoice with its If-Match, its
    document type (for the actions whose path names one) and the action's own ``arguments``."""

    def send(client: ErpClient, job: BackgroundJob, background: Background) -> Any:
        call = getattr(client.supplier_invoices, method)
        typed_by = {"document_type": _typed(job)} if typed else {}
        extra = arguments(job) if arguments else {}
        return call(
            job.document_number, background=background, **typed_by, **extra, **_invoice(job)
        )

    return send


def _attach_arguments(job: BackgroundJob) -> dict[str, Any]:
    upload = job.file
    return {
        "filename": upload.name,
        "content": bytes(upload.content),
        "content_type": upload.content_type,
        "line_number": job.payload.get("line_number"),
    }


def _prebook_arguments(job: BackgroundJob) -> dict[str, Any]:
    return {
        "account": job.payload.get("account"),
        "subaccount": {int(k): v for k, v in (job.payload.get("subaccount") or {}).items()},
    }


INVOICE = Kind.SUPPLIER_INVOICE
PAYMENT = Kind.SUPPLIER_PAYMENT

ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action(
            "release",
            "Release",
            INVOICE,
            "Release the invoice: it becomes Open and can be paid; it can then only be reversed.",
            _invoice_action("release"),
        ),
        Action(
            "prebook",
            "Prebook",
            INVOICE,
            "Prebook the invoice to the account and subaccount you chose: it becomes Prebooked.",
            _invoice_action("prebook", arguments=_prebook_arguments),
        ),
        Action(
            "void",
            "Void",
            INVOICE,
            "Void the invoice: it becomes Voided with no balance. This cannot be undone.",
            _invoice_action("void"),
        ),
        Action(
            "send_to_approval",
            "Send to approval",
            INVOICE,
            "Send the invoice to the approval workflow: its approval status becomes "
            "SentToApproval and approvers are asked.",
            _invoice_action("send_to_approval"),
        ),
        Action(
            "reverse",
            "Reverse",
            INVOICE,
            "Reverse the invoice: the ERP creates a new balancing document (a debit adjustment "
            "for an invoice) that you then release.",
            _invoice_action("reverse"),
        ),
        Action(
            "correct",
            "Correct",
            INVOICE,
            "Correct the invoice: the ERP closes it with a debit adjustment and creates an "
            "editable copy on hold.",
            _invoice_action("correct", typed=False),
        ),
        Action(
            "attach",
            "Attach a file",
            INVOICE,
            "Upload the file to the invoice (or to the line you chose); the same file name "
            "again makes a new revision.",
            _invoice_action("attach", arguments=_attach_arguments),
            joins_with="to",
        ),
        Action(
            "payment_release",
            "Release",
            PAYMENT,
            "Release the payment: the invoices it pays in full become Closed.",
            lambda c, j, b: c.supplier_payments.release(
                j.document_number,
                payment_type=j.document_type or None,
                background=b,
                if_match=j.if_match or None,
            ),
        ),
    )
}


def fetch_document(client: ErpClient, kind: str, document_type: str, number: str) -> Any:
    """GET the document (the version, status and approval status it has now)."""
    if kind == Kind.SUPPLIER_PAYMENT:
        return client.supplier_payments.get(number, document_type or None)
    return client.supplier_invoices.get(number, document_type or None)


def background_for(job: BackgroundJob) -> Background:
    return Background.subscription({CORRELATION_HEADER: str(job.correlation_id)})


def send(client: ErpClient, job: BackgroundJob) -> BackgroundAccepted | Any:
    return ACTIONS[job.operation].send(client, job, background_for(job))
