"""Supplier payments (OAS-2025 ``/v1/supplierPayment``): list, GET with ETag, PUT with If-Match,
and release.

Releasing a payment applies its lines to the invoices they name: each invoice's balance goes down
and an invoice paid in full is closed. As for the invoice actions, ``If-Match`` on release is
checked only when it runs through the Background API (the SEED ETag article lists "POST
SupplierPayment action/Release" among the actions where If-Match works only that way).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from erpsim.call import Call
from erpsim.demo_documents import iso_date, money
from erpsim.errors import ApiError
from erpsim.financials.common import (
    Paging,
    bad_request,
    date_filter,
    enum_arg,
    etag_matches,
    failure,
    find_document,
    number_filter,
    parse_moment,
    with_etag,
)
from erpsim.financials.supplier_invoices import etag_of, new_version, set_status, touch
from erpsim.financials.updates import parse_update
from erpsim.replies import Reply, empty_reply, json_reply
from erpsim.specs import FINANCIALS, enum
from erpsim.state import Company

if TYPE_CHECKING:
    from erpsim.app import SandboxApp

PAYMENT_TYPES = enum(FINANCIALS, "SupplierPaymentDto", "type")
PAYMENT_STATUSES = enum(FINANCIALS, "SupplierPaymentDto", "status")
_LOOKUP_ORDER = ("Payment", *(t for t in PAYMENT_TYPES if t != "Payment"))
UNRELEASED = ("Hold", "Balanced")
DESCRIPTION_LENGTH = 50  # SupplierPaymentDto.description: "up to 50 alphanumeric characters"


def precondition_failed(call: Call) -> ApiError:
    return failure(call, 412, "Supplier payment version does not match with If-Match header")


def find_payment(
    call: Call, company: Company, number: str, payment_type: str | None
) -> dict[str, Any]:
    """By type and number, or by number alone (a Payment first, then the other types)."""
    return find_document(
        call,
        company.payments,
        number,
        payment_type,
        _LOOKUP_ORDER,
        "supplier payment",
        "payment type",
    )


def to_dto(company: Company, payment: dict[str, Any]) -> dict[str, Any]:
    dto = {k: v for k, v in payment.items() if k[0] != "_"}
    # Each line shows the invoice's balance as it is now.
    dto["paymentLines"] = [
        {**line, "balance": _invoice_of(company, line).get("balance", 0.0)}
        for line in payment["paymentLines"]
    ]
    dto["timeStamp"] = etag_of(payment)
    return dto


def _invoice_of(company: Company, line: dict[str, Any]) -> dict[str, Any]:
    return company.invoices.get((line["docType"], line["invoiceRefNbr"]), {})


# -- read --------------------------------------------------------------------------------------


def get_payment(call: Call, app: SandboxApp) -> Reply:
    assert call.company is not None
    with app.sandbox.lock:
        payment = find_payment(
            call, call.company, call.params["paymentNumber"], call.params.get("paymentType")
        )
        body = to_dto(call.company, payment)
    return with_etag(json_reply(200, body), body["timeStamp"])


def list_payments(call: Call, app: SandboxApp) -> Reply:
    assert call.company is not None
    company = call.company
    matches = _filters(call)
    max_page_size = app.sandbox.options.max_page_size
    paging = Paging.of(call, max_page_size)
    with app.sandbox.lock:
        found = [p for p in company.payments.values() if all(m(company, p) for m in matches)]
        metadata = {"totalCount": len(found), "maxPageSize": max_page_size}
        body = [{**to_dto(company, p), "metadata": metadata} for p in paging.window(found)]
    return json_reply(200, body)


def _filters(call: Call) -> list[Any]:
    matches: list[Any] = []
    kind = enum_arg(call, "paymentType", PAYMENT_TYPES)
    if kind:
        matches.append(lambda c, p: p["type"] == kind)
    status = enum_arg(call, "status", PAYMENT_STATUSES)
    if status:
        matches.append(lambda c, p: p["status"] == status)
    supplier = call.arg("supplier")
    if supplier:
        matches.append(lambda c, p: p["supplier"]["number"] == supplier)
    branch = call.arg("branch")
    if branch:
        matches.append(lambda c, p: p["branch"] == branch)
    invoice = call.arg("invoiceRefNbr")
    if invoice:
        matches.append(
            lambda c, p: any(line["invoiceRefNbr"] == invoice for line in p["paymentLines"])
        )
    after = call.arg("greaterThanValue")
    if after:
        matches.append(lambda c, p: p["refNbr"] > after)
    period = call.arg("financialPeriod")
    if period:
        if len(period) != 6 or not period.isdigit():
            raise bad_request(
                call, f"The value '{period}' is not valid for financialPeriod (YYYYPP)."
            )
        matches.append(lambda c, p: p["applicationPeriod"] == period)
    for name, field in (
        ("docDate", "applicationDate"),
        ("lastModifiedDateTime", "lastModifiedDateTime"),
    ):
        condition = date_filter(call, name)
        if condition:
            compare, moment = condition
            matches.append(lambda c, p, f=field, o=compare, m=moment: o(parse_moment(p[f]), m))
    balance = number_filter(call, "balance")
    if balance:
        compare_balance, amount = balance
        matches.append(lambda c, p: compare_balance(p["balance"], amount))
    return matches


# -- write -------------------------------------------------------------------------------------


def put_payment(call: Call, app: SandboxApp) -> Reply:
    """``SupplierPaymentUpdateDto`` on an unreleased payment: header fields change, lines stay."""
    assert call.company is not None
    changes = parse_update(call, "SupplierPaymentUpdateDto")
    description = changes.get("description")
    if description and len(description) > DESCRIPTION_LENGTH:
        raise bad_request(call, f"description is longer than {DESCRIPTION_LENGTH} characters.")
    with app.sandbox.lock:
        payment = find_payment(call, call.company, call.params["paymentNumber"], None)
        if_match = call.header("if-match")
        if if_match is not None and not etag_matches(if_match, etag_of(payment)):
            raise precondition_failed(call)
        if payment["status"] not in UNRELEASED:
            raise bad_request(
                call,
                f"A {payment['status'].lower()} payment cannot be changed; only Hold and "
                "Balanced ones can.",
            )
        _apply(payment, changes)
        etag = new_version(app, payment)
    return with_etag(empty_reply(204), etag)


def _apply(payment: dict[str, Any], changes: dict[str, Any]) -> None:
    for name in ("description", "paymentRef", "cashAccount"):
        if name in changes:
            payment[name] = changes[name] or ""
    if changes.get("applicationDate"):
        payment["applicationDate"] = changes["applicationDate"]
        moment = parse_moment(changes["applicationDate"])
        payment["applicationPeriod"] = f"{moment.year}{moment.month:02d}"
    if changes.get("hold") is True and payment["status"] == "Balanced":
        payment["status"], payment["hold"] = "Hold", True
    elif changes.get("hold") is False and payment["status"] == "Hold":
        payment["status"], payment["hold"] = "Balanced", False


def release(call: Call, app: SandboxApp) -> Reply:
    assert call.company is not None
    company = call.company
    wanted_type = _release_type(call)
    with app.sandbox.lock:
        payment = find_payment(call, company, call.params["paymentNumber"], wanted_type)
        if call.background:
            if_match = call.header("if-match")
            if if_match is not None and not etag_matches(if_match, etag_of(payment)):
                raise precondition_failed(call)
        _check_releasable(call, company, payment)
        _apply_lines(call, app, company, payment)
        payment["released"] = True
        payment["status"] = "Closed" if payment["unappliedBalance"] == 0 else "Open"
        payment["balance"] = payment["unappliedBalance"]
        etag = new_version(app, payment)
    body = {"actionId": app.sandbox.ids.guid(), "actionResult": "Done"}
    return with_etag(json_reply(200, body), etag)


def _release_type(call: Call) -> str | None:
    """``ReleaseSupplierPaymentActionDto`` ``{"type": {"value": "Payment"}}``, or no body."""
    if not call.body.strip():
        return None
    changes = parse_update(call, "ReleaseSupplierPaymentActionDto")
    return changes.get("type")


def _check_releasable(call: Call, company: Company, payment: dict[str, Any]) -> None:
    status = payment["status"]
    if status == "Hold":
        raise bad_request(call, "The payment is on hold and cannot be released.")
    if status in ("Open", "Closed") or payment["released"]:
        raise bad_request(call, "The payment is already released.")
    if status != "Balanced":
        raise bad_request(call, f"A {status.lower()} payment cannot be released.")
    for line in payment["paymentLines"]:
        invoice = _invoice_of(company, line)
        if not invoice or invoice["status"] != "Open":
            raise bad_request(
                call,
                f"{line['docType']} {line['invoiceRefNbr']} is not open; the payment cannot "
                "be applied to it.",
            )
        if invoice["balance"] < line["amountPaid"]:
            raise bad_request(
                call,
                f"{line['docType']} {line['invoiceRefNbr']} has a balance of "
                f"{invoice['balance']:.2f}, less than the {line['amountPaid']:.2f} this payment "
                "applies to it.",
            )


def _apply_lines(call: Call, app: SandboxApp, company: Company, payment: dict[str, Any]) -> None:
    """Lower each invoice's balance; an invoice paid in full closes."""
    today = iso_date(app.sandbox.clock.utcnow())
    for line in payment["paymentLines"]:
        invoice = _invoice_of(company, line)
        balance = money(invoice["balance"] - line["amountPaid"])
        invoice["balance"] = invoice["balanceInCurrency"] = balance
        if balance == 0:
            set_status(call, invoice, "Closed")
            invoice["payDate"] = today
            invoice["closedFinancialPeriod"] = payment["applicationPeriod"]
        touch(app, invoice)
