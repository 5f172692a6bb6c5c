"""Supplier payments, declared as a Financials document kind: the shared pages
(``operations.financials``) serve their list, detail and release from this."""

from __future__ import annotations

from django import forms

from ..financials.kinds import DocumentKind
from ..refresh import Kind
from . import rules


class PaymentFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *[(s, s) for s in rules.STATUSES]]
    )
    payment_type = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "Any type"), *[(t, t) for t in rules.FILTER_PAYMENT_TYPES]],
    )

    def erp_filters(self) -> dict:
        """The valid filters as ``client.supplier_payments.page`` keywords."""
        return {key: value for key, value in self.cleaned_data.items() if value}


PAYMENTS = DocumentKind(
    kind=Kind.SUPPLIER_PAYMENT,
    title="Supplier payments",
    noun="payment",
    types=rules.PAYMENT_TYPES,
    tenant_list_url="operations:tenant_payments",
    detail_url="operations:payment",
    action_url_name="operations:payment_release",
    sibling=("operations:tenant_invoices", "Supplier invoices"),
    filter_form=PaymentFilterForm,
    resource="supplier_payments",
    allowed_actions=rules.allowed_actions,
    why_not=rules.why_not,
    token_kinds={rules.RELEASE: "payment:release"},
    seen=("status",),
    detail_template="operations/payments/detail.html",
    rows_template="operations/payments/_rows.html",
    action_in_url=False,
)
