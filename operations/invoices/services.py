"""Writes on supplier invoices: actions become background jobs; the header edit is a PUT with
If-Match, and a 412 comes back as ``EditConflict`` with the latest version, never an overwrite."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from erpclient import PreconditionFailed
from portal import audit
from tenants.models import Tenant

from ..erp import StaffClient
from ..financials import read_cache
from ..refresh import Kind

# Form field -> SupplierInvoiceUpdateDto property.
UPDATE_FIELDS = {
    "description": "description",
    "supplier_reference": "supplierReference",
    "due_date": "dueDate",
}


class EditConflict(Exception):
    """The ERP answered 412: the invoice changed since the form was opened."""

    def __init__(self, latest: Any) -> None:
        super().__init__("the invoice changed since the form was opened")
        self.latest = latest


def update_body(changes: dict[str, Any]) -> dict[str, Any]:
    body = {}
    for field, value in changes.items():
        if isinstance(value, dt.date):
            value = f"{value:%Y-%m-%d}T00:00:00"
        body[UPDATE_FIELDS[field]] = {"value": value if value != "" else None}
    return body


def invoice_update(
    *,
    actor,
    tenant: Tenant,
    document_type: str,
    number: str,
    if_match: str,
    changes: dict[str, Any],
) -> str:
    """PUT the changed header fields with ``If-Match``; the invoice's new version. Raises
    ``EditConflict`` on 412 (with the invoice as it is now) and ``ErpError`` otherwise."""
    try:
        with StaffClient(tenant) as erp:
            try:
                result = erp.client.supplier_invoices.update(
                    number, update_body(changes), document_type=document_type, if_match=if_match
                )
            except PreconditionFailed as error:
                latest = erp.client.supplier_invoices.get(number, document_type)
                raise EditConflict(latest) from error
    finally:
        # Saved, refused as stale (someone changed it) or unknown: the invoice's page reads it
        # again rather than show the portal's copy.
        read_cache.forget(tenant.pk, Kind.SUPPLIER_INVOICE, number)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="operations.invoice_updated",
            target_type="supplier_invoice",
            target_id=f"{document_type}/{number}",
            target_label=f"{tenant.display_name}: {document_type} {number}",
            details={
                "tenant": tenant.tenant_id,
                "fields": sorted(changes),
                "if_match": if_match,
                "new_version": result.etag or "",
            },
        )
    return result.etag or ""
