"""Seeded supplier payments for one demo company, in the shape of ``SupplierPaymentDto``.

They pay the company's own seeded invoices: unreleased payments (Balanced, Hold) apply to open
invoices that nothing else pays, so releasing one closes those invoices; released ones (Open,
Closed) apply to closed invoices. Numbers ``300001``... keep them apart from the invoices.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from erpsim.demo_documents import BASE_DATE, iso, iso_date, money

FIRST_PAYMENT_NUMBER = 300001
# (type, status, how many invoices it applies to); the order is the numbering order.
_PLAN = [
    *[("Payment", "Balanced", 1)] * 4,
    ("Payment", "Balanced", 2),
    ("Payment", "Balanced", 1),  # pays half of its invoice
    *[("Payment", "Hold", 1)] * 2,
    *[("Payment", "Open", 1)] * 2,  # released, part still unapplied
    *[("Payment", "Closed", 1)] * 5,
    ("Payment", "Voided", 0),
    ("Prepayment", "Balanced", 0),
    ("Prepayment", "Open", 0),
    ("Refund", "Closed", 0),
    ("VoidPayment", "Closed", 0),
]
CURRENCY_NAMES = {"NOK": "Norske kroner", "SEK": "Svenska kronor", "DKK": "Danske kroner"}


def supplier_payments(
    company_id: int, seed: int, invoices: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    rng = random.Random(f"ap-payments-{seed}-{company_id}")
    unpaid = [
        i
        for i in invoices
        if i["documentType"] == "Invoice" and i["status"] == "Open" and i["balance"] == i["amount"]
    ]
    paid = [i for i in invoices if i["documentType"] == "Invoice" and i["status"] == "Closed"]
    rng.shuffle(unpaid)
    rng.shuffle(paid)
    payments = []
    for index, (kind, status, count) in enumerate(_PLAN):
        source = unpaid if status in ("Balanced", "Hold") else paid
        applied = [source.pop() for _ in range(count)]
        half = index == 5
        payments.append(
            _payment(rng, FIRST_PAYMENT_NUMBER + index, kind, status, applied, invoices, half)
        )
    return payments


def _payment(
    rng: random.Random,
    number: int,
    kind: str,
    status: str,
    applied: list[dict[str, Any]],
    invoices: list[dict[str, Any]],
    half: bool,
) -> dict[str, Any]:
    reference = applied[0] if applied else rng.choice(invoices)
    currency = reference["currencyId"]
    lines = [_line(invoice, half) for invoice in applied]
    applied_amount = money(sum(line["amountPaid"] for line in lines))
    unapplied = money(rng.uniform(500, 20000)) if not lines or status == "Open" else 0.0
    amount = money(applied_amount + unapplied)
    released = status in ("Open", "Closed")
    date = BASE_DATE - timedelta(days=rng.randint(1, 20) if not released else rng.randint(30, 200))
    modified = date + timedelta(hours=rng.randint(8, 15))
    return {
        "type": kind,
        "documentType": kind,
        "refNbr": f"{number:06d}",
        "status": status,
        "hold": status == "Hold",
        "applicationDate": iso_date(date),
        "applicationPeriod": f"{date.year}{date.month:02d}",
        "paymentRef": f"BET-{number}",
        "supplier": dict(reference["supplier"]),
        "location": dict(reference["location"]),
        "paymentMethod": "BANK",
        "cashAccount": "1920",
        "currency": {
            "id": currency,
            "description": CURRENCY_NAMES.get(currency, currency),
            "symbol": {"EUR": "€"}.get(currency, "kr"),
            "isBaseCurrency": True,
            "decimalPrecision": 2,
            "isUsedForAccounting": True,
        },
        "description": f"{kind} {reference['supplier']['name']}"[:50],
        "paymentAmount": amount,
        "financeCharges": 0.0,
        "balance": unapplied if released or not lines else amount,
        "unappliedBalance": unapplied,
        "appliedAmount": applied_amount,
        "released": released,
        "lastModifiedDateTime": iso(modified),
        "branch": "1",
        "paymentLines": lines,
    }


def _line(invoice: dict[str, Any], half: bool) -> dict[str, Any]:
    amount = money(invoice["amount"] / 2) if half else invoice["amount"]
    return {
        "branch": "1",
        "docType": invoice["documentType"],
        "invoiceRefNbr": invoice["referenceNumber"],
        "amountPaid": amount,
        "cashDiscountTaken": 0.0,
        "withholdingTax": 0.0,
        "applicationPeriod": invoice["financialPeriod"],
        "date": invoice["date"],
        "dueDate": invoice["dueDate"],
        "cashDiscountDate": invoice["cashDiscountDate"],
        "cashDiscountBalance": 0.0,
        "description": invoice["description"],
        "currency": invoice["currencyId"],
        "postPeriod": invoice["postPeriod"],
        "supplierRef": invoice["supplierReference"],
    }
