"""The filters of the order lists."""

from __future__ import annotations

from django import forms

from portal.inputs import DateField

from .models import Outcome


class OrderFilter(forms.Form):
    q = forms.CharField(
        label="Find",
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": "Order, customer, tenant or person"}),
    )
    outcome = forms.ChoiceField(
        label="Outcome", required=False, choices=[("", "Any outcome"), *Outcome.choices]
    )
    order_type = forms.CharField(label="Order type", required=False, max_length=2)


class ErpOrderFilter(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any"), ("Open", "Open"), ("Hold", "On hold"), ("Cancelled", "Cancelled")],
    )
    customer = forms.CharField(label="Customer id", required=False, max_length=30)
    modified_since = DateField(label="Changed since", required=False)


MAX_ERP_PAGE = 10_000


def page_number(value: str | None) -> int:
    """A page number from the URL: 1 unless it is a whole number from 1 to MAX_ERP_PAGE."""
    text = (value or "").strip()
    if text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_ERP_PAGE:
        return int(text)
    return 1
