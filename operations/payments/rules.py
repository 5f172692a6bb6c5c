"""Which supplier payment the portal offers to release (mirrored from the ERP's rules in
docs/sandbox.md; the ERP still decides and its refusal shows on the job page)."""

from __future__ import annotations

from typing import Any

STATUSES = ("Hold", "Balanced", "Open", "Closed", "Voided", "Printed", "Reserved")
PAYMENT_TYPES = ("Payment", "Prepayment", "Refund", "VoidPayment", "DebitAdj", "CreditAdj")
# The one action on a payment (its name in ``operations.jobs.actions``).
RELEASE = "payment_release"
# The list's paymentType filter takes the spec's query set, not every payment's own type: the ERP
# answers 400 to CreditAdj there.
FILTER_PAYMENT_TYPES = ("Payment", "DebitAdj", "Prepayment", "Refund", "VoidPayment", "VoidRefund")


def can_release(payment: Any) -> bool:
    return payment.status == "Balanced" and not payment.hold and not payment.released


def allowed_actions(payment: Any) -> list[str]:
    return [RELEASE] if can_release(payment) else []


def why_not(payment: Any) -> str:
    if payment.status == "Hold" or payment.hold:
        return "The payment is on hold: take it off hold in the ERP before releasing it."
    if payment.released or payment.status in ("Open", "Closed"):
        return "The payment is released already."
    if payment.status == "Voided":
        return "A voided payment cannot be released."
    return ""
