"""Seeded supplier invoices for one demo company, in the shape of ``SupplierInvoiceDto``.

Dates hang off a fixed base date, never "now", so a seed always yields the same documents.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from erpsim.world import COUNTRY_CURRENCY, COUNTRY_VAT_RATE, DEMO_SUPPLIERS

BASE_DATE = datetime(2026, 6, 30, tzinfo=UTC)
INVOICES_PER_COMPANY = 200
# The payment types of SupplierInvoiceDto.documentType, two of each, numbered after the invoices,
# with the statuses such documents have. Their own generator leaves the invoices above unchanged.
_PAYMENTS = [
    ("Check", "Printed"),
    ("Check", "Closed"),
    ("QuickCheck", "Closed"),
    ("QuickCheck", "Open"),
    ("VoidCheck", "Closed"),
    ("VoidCheck", "Closed"),
    ("VoidQuickCheck", "Closed"),
    ("VoidQuickCheck", "Closed"),
]

# (document type, weight); every type and status the list filter accepts shows up at least once.
_TYPES = [("Invoice", 70), ("CreditAdj", 10), ("DebitAdj", 8), ("Prepayment", 7), ("Refund", 5)]
_STATUSES = [
    ("Open", 30),
    ("Closed", 25),
    ("Balanced", 15),
    ("Hold", 10),
    ("Prebooked", 8),
    ("Voided", 4),
    ("Scheduled", 3),
    ("Reserved", 3),
    ("Printed", 2),
]
_EXPENSE_ACCOUNTS = [
    ("6300", "Leie lokaler"),
    ("6540", "Inventar"),
    ("6800", "Kontorrekvisita"),
    ("6900", "Telefon og internett"),
    ("7100", "Bilgodtgjørelse"),
    ("7140", "Reisekostnad"),
    ("4300", "Innkjøp varer for videresalg"),
]
_LINE_TEXTS = [
    "Strøm og nettleie",
    "Mobilabonnement bedrift",
    "Frakt pall",
    "Kontorrekvisita",
    "Konsulenttimer",
    "Emballasje",
    "Rammeavtale vedlikehold",
    "Arbeidsklær",
    "Programvarelisens",
    "Renhold",
]


def iso(moment: datetime) -> str:
    """The ERP's timestamp style: UTC, seconds, explicit offset."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def iso_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT00:00:00Z")


def money(value: float) -> float:
    return round(value + 0.0, 2)


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    names, weights = zip(*weighted, strict=True)
    return rng.choices(names, weights=weights)[0]


def _ensure_every_value(
    rng: random.Random, values: list[str], weighted: list[tuple[str, int]]
) -> None:
    for index, (name, _weight) in enumerate(weighted):
        values[index] = name
    rng.shuffle(values)


def supplier_invoices(company_id: int, country: str, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(f"supplier-invoices-{seed}-{company_id}")
    types = [_pick(rng, _TYPES) for _ in range(INVOICES_PER_COMPANY)]
    statuses = [_pick(rng, _STATUSES) for _ in range(INVOICES_PER_COMPANY)]
    _ensure_every_value(rng, types, _TYPES)
    _ensure_every_value(rng, statuses, _STATUSES)
    currency = COUNTRY_CURRENCY[country]
    vat_rate = COUNTRY_VAT_RATE[country]
    documents = []
    for index in range(INVOICES_PER_COMPANY):
        number = f"{100001 + index:06d}"
        documents.append(
            _invoice(rng, number, types[index], statuses[index], currency, vat_rate, country)
        )
    payments = random.Random(f"supplier-payments-{seed}-{company_id}")
    for index, (document_type, status) in enumerate(_PAYMENTS, start=INVOICES_PER_COMPANY):
        number = f"{100001 + index:06d}"
        documents.append(
            _invoice(payments, number, document_type, status, currency, vat_rate, country)
        )
    return documents


def _invoice(
    rng: random.Random,
    number: str,
    document_type: str,
    status: str,
    currency: str,
    vat_rate: float,
    country: str,
) -> dict[str, Any]:
    supplier = rng.choice(DEMO_SUPPLIERS)
    supplier_number, supplier_name, supplier_country = (
        supplier["number"],
        supplier["name"],
        supplier["country"],
    )
    doc_date = BASE_DATE - timedelta(days=rng.randint(0, 364))
    due_date = doc_date + timedelta(days=rng.choice((10, 14, 20, 30)))
    created = doc_date + timedelta(hours=rng.randint(7, 16), minutes=rng.randint(0, 59))
    modified = created + timedelta(days=rng.randint(0, 20), minutes=rng.randint(0, 600))
    lines = [_line(rng, n, vat_rate) for n in range(1, rng.randint(1, 4) + 1)]
    detail_total = money(sum(line["cost"] for line in lines))
    vat_total = money(detail_total * vat_rate / 100)
    amount = money(detail_total + vat_total)
    balance = {"Open": amount, "Closed": 0.0, "Voided": 0.0}.get(status, amount)
    if status == "Open" and rng.random() < 0.2:
        balance = money(amount / 2)  # partly paid
    approval = "ApprovedInApproval" if status in ("Open", "Closed", "Printed") else "New"
    if status == "Hold" and rng.random() < 0.3:
        approval = rng.choice(("SentToApproval", "InProgressApproval", "RejectedInApproval"))
    period = f"{doc_date.year}{doc_date.month:02d}"
    invoice: dict[str, Any] = {
        "documentType": document_type,
        "referenceNumber": number,
        "supplier": {
            "internalId": 7000 + int(supplier_number) - 50000,
            "number": supplier_number,
            "name": supplier_name,
        },
        "location": {"countryId": supplier_country, "id": "MAIN", "name": "Primary location"},
        "status": status,
        "approvalStatus": approval,
        "hold": status == "Hold",
        "date": iso_date(doc_date),
        "origInvoiceDate": iso_date(doc_date),
        "dueDate": iso_date(due_date),
        "cashDiscountDate": iso_date(due_date),
        "postPeriod": f"{doc_date.month:02d}{doc_date.year}",
        "financialPeriod": period,
        "currencyId": currency,
        "exchangeRate": 1.0,
        "amount": amount,
        "vatAmount": vat_total,
        "balance": balance,
        "balanceInCurrency": balance,
        "detailTotal": detail_total,
        "detailTotalInCurrency": detail_total,
        "vatTotal": vat_total,
        "vatTotalInCurrency": vat_total,
        "vatTaxableTotal": detail_total,
        "vatTaxableTotalInCurrency": detail_total,
        "vatExemptTotal": 0.0,
        "vatExemptTotalInCurrency": 0.0,
        "discountTotal": 0.0,
        "discountTotalInCurrency": 0.0,
        "withholdingTax": 0.0,
        "withholdingTaxInCurrency": 0.0,
        "roundingDiff": 0.0,
        "roundingDiffInCurrency": 0.0,
        "cashDiscount": 0.0,
        "cashDiscountInCurrency": 0.0,
        "paymentMethod": {"id": "BANK", "description": "Bankoverføring"},
        "paymentRefNo": f"{rng.randint(10**9, 10**10 - 1)}",
        "cashAccount": "1920",
        "paySelected": False,
        "creditTerms": {"id": "30D", "description": "30 dager netto"},
        "taxCalculationMode": "TaxSetting",
        "supplierTaxZone": {"id": country, "description": f"Innenlands {country}"},
        "supplierReference": f"F-{rng.randint(10000, 99999)}",
        "description": f"{lines[0]['transactionDescription']} {period}",
        "note": "",
        "branchNumber": {"number": "1", "name": "Hovedkontor"},
        "retainageApply": False,
        "curyRetainageTotal": 0.0,
        "curyRetainageUnreleasedAmt": 0.0,
        "documentVersionNumber": 1,
        "createdDateTime": iso(created),
        "lastModifiedDateTime": iso(modified),
        "invoiceLines": lines,
        "taxDetailLines": [
            {
                "taxId": f"{country}-{vat_rate:g}",
                "recordId": 1,
                "vatId": {"number": "1", "description": f"Inngående mva {vat_rate:g} %"},
                "vatRate": vat_rate,
                "taxableAmount": detail_total,
                "vatAmount": vat_total,
            }
        ],
        "landedCosts": [],
        "attachments": [],
        "approvalDetails": {"attachmentID": "", "comment": ""},
    }
    if status == "Closed":
        invoice["closedFinancialPeriod"] = period
        invoice["payDate"] = iso_date(due_date)
    return invoice


def _line(rng: random.Random, number: int, vat_rate: float) -> dict[str, Any]:
    quantity = float(rng.randint(1, 12))
    unit_cost = money(rng.uniform(80, 9000))
    cost = money(quantity * unit_cost)
    account_number, account_name = rng.choice(_EXPENSE_ACCOUNTS)
    return {
        "lineNumber": number,
        "transactionDescription": rng.choice(_LINE_TEXTS),
        "quantity": quantity,
        "uom": "PCS",
        "unitCost": unit_cost,
        "unitCostInCurrency": unit_cost,
        "cost": cost,
        "costInCurrency": cost,
        "discountPercent": 0.0,
        "discountAmount": 0.0,
        "discountAmountInCurrency": 0.0,
        "discountUnitCost": unit_cost,
        "discountUnitCostInCurrency": unit_cost,
        "manualDiscount": False,
        "account": {
            "type": "Expense",
            "number": account_number,
            "description": account_name,
            "active": True,
        },
        "subaccount": {"subaccountNumber": "0-0", "subaccountId": 1, "active": True},
        "vatCode": {"id": "1", "description": f"Inngående mva {vat_rate:g} %"},
        "attachments": [],
    }
