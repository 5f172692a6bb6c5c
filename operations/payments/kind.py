"""Supplier payments, declared as a Financials document kind: the shared pages
(``operations.financials``) serve their list, detail and release from this."""

from __future__ import annotations

from typing import Any

from django import forms

from tenants.models import Tenant

from ..financials.kinds import DocumentKind
from ..invoices.selectors import PAGE_SIZE, Read, read_erp
from ..refresh import Kind
from . import rules


class PaymentFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *[(s, s) for s in rules.STATUSES]]
    )
    payment_type = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "Any type"), *[(t, t) for t in rules.PAYMENT_TYPES]],
    )

    def erp_filters(self) -> dict:
        """The valid filters as ``client.supplier_payments.page`` keywords."""
        return {key: value for key, value in self.cleaned_data.items() if value}


def _page(tenant: Tenant, filters: dict[str, Any], page_number: int) -> Read:
    return read_erp(
        tenant,
        lambda client: client.supplier_payments.page(
            page_number=page_number, page_size=PAGE_SIZE, **filters
        ),
    )


def _payment(tenant: Tenant, payment_type: str, number: str) -> Read:
    return read_erp(tenant, lambda client: client.supplier_payments.get(number, payment_type))


PAYMENTS = DocumentKind(
    kind=Kind.SUPPLIER_PAYMENT,
    title="Supplier payments",
    noun="payment",
    types=rules.PAYMENT_TYPES,
    list_url="operations:payments",
    tenant_list_url="operations:tenant_payments",
    detail_url="operations:payment",
    action_url_name="operations:payment_release",
    sibling=("operations:tenant_invoices", "Supplier invoices"),
    filter_form=PaymentFilterForm,
    read_page=_page,
    read_one=_payment,
    allowed_actions=rules.allowed_actions,
    why_not=rules.why_not,
    token_kinds={rules.RELEASE: "payment:release"},
    seen=("status",),
    detail_template="operations/payments/detail.html",
    rows_template="operations/payments/_rows.html",
    action_in_url=False,
)
