"""Supplier invoices, declared as a Financials document kind: the shared pages
(``operations.financials``) serve their list, detail and actions from this."""

from __future__ import annotations

from typing import Any

from erpclient import ErpError
from tenants.models import Tenant

from ..erp import StaffClient
from ..financials.forms import ActionForm
from ..financials.kinds import DocumentKind
from ..refresh import Kind
from . import attachments, ledger, live, rules, selectors
from .forms import AttachForm, InvoiceFilterForm, PrebookForm


def _ledger(tenant: Tenant):
    with StaffClient(tenant) as erp:
        return ledger.active_accounts(tenant, erp.client), ledger.subaccounts(tenant, erp.client)


def _extras(tenant: Tenant, invoice: Any, offered: list[str], read: Any) -> dict[str, Any]:
    # Prebooking needs the company's accounts; when they cannot be read it is not offered.
    accounts, subaccounts = ({}, {})
    if "prebook" in offered:
        try:
            accounts, subaccounts = _ledger(tenant)
        except ErpError:
            offered.remove("prebook")
    return {
        "accounts": sorted(accounts.items()),
        "subaccounts": sorted(subaccounts.items()),
        "attachment_limits": attachments.limits_text(),
        # The page follows the invoice's changes in the ERP from the moment it read it.
        **live.watch_context(
            tenant,
            invoice.document_type,
            invoice.number,
            since=read.fetched_at.timestamp(),
            shown=invoice.etag or "",
            place="detail",
        ),
    }


def _offered_form(operation: str, initial: dict[str, Any], invoice: Any) -> ActionForm:
    if operation == "attach":
        return AttachForm(initial=initial, lines=invoice.invoice_lines)
    return ActionForm(initial=initial)


def _posted_form(tenant: Tenant, operation: str, data, files) -> ActionForm:
    if operation == "prebook":
        try:
            accounts, subaccounts = _ledger(tenant)
        except ErpError as error:
            form = PrebookForm(data)
            form.is_valid()
            form.add_error(
                None,
                "The company's accounts could not be read, so the account cannot be checked; "
                f"nothing was sent. {error.message}",
            )
            return form
        return PrebookForm(data, accounts=accounts, subaccounts=subaccounts)
    if operation == "attach":
        return AttachForm(data, files)
    return ActionForm(data)


INVOICES = DocumentKind(
    kind=Kind.SUPPLIER_INVOICE,
    title="Supplier invoices",
    noun="invoice",
    types=rules.DOCUMENT_TYPES,
    tenant_list_url="operations:tenant_invoices",
    detail_url="operations:invoice",
    action_url_name="operations:invoice_action",
    sibling=("operations:tenant_payments", "Supplier payments"),
    filter_form=InvoiceFilterForm,
    resource=selectors.RESOURCE,
    allowed_actions=rules.allowed_actions,
    why_not=rules.why_not,
    token_kinds={operation: f"invoice:{operation}" for operation in rules.INVOICE_ACTIONS},
    seen=("status", "approval_status"),
    detail_template="operations/invoices/detail.html",
    rows_template="operations/invoices/_rows.html",
    extras=_extras,
    offered_form=_offered_form,
    posted_form=_posted_form,
)
