"""Reads of supplier invoices, straight from the ERP (every page says what it cost)."""

from __future__ import annotations

from typing import Any

from tenants.models import Tenant

from ..financials import selectors as financials
from ..financials.selectors import Read

RESOURCE = "supplier_invoices"


def invoice(tenant: Tenant, document_type: str, number: str) -> Read:
    return financials.document(tenant, RESOURCE, document_type, number)


def edit_values(invoice: Any) -> dict[str, str]:
    """The editable header fields as the form shows them (dates as YYYY-MM-DD)."""
    return {
        "description": invoice.description or "",
        "supplier_reference": invoice.supplier_reference or "",
        "due_date": invoice.due_date.date().isoformat() if invoice.due_date else "",
    }
