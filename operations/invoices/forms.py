"""The supplier-invoice forms: list filters, the action confirmations, prebooking, attaching a
file, and the header edit. Hidden fields carry the version the page showed (``etag``) and the
form's one-time token."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone

from erpclient import When
from portal import inputs

from ..financials.forms import ActionForm
from . import attachments
from .rules import FILTER_DOCUMENT_TYPES, STATUSES

CONDITIONS = [(">=", "on or after"), ("<=", "on or before"), (">", "after"), ("<", "before")]
_DOCUMENT_ID = RegexValidator(r"^[A-Za-z0-9_.-]*$", "Use letters, digits, '-', '_' or '.' only.")


class InvoiceFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *[(s, s) for s in STATUSES]]
    )
    document_type = forms.ChoiceField(
        label="Document type",
        required=False,
        choices=[("", "Any type"), *[(t, t) for t in FILTER_DOCUMENT_TYPES]],
    )
    supplier = forms.CharField(required=False, max_length=30, validators=[_DOCUMENT_ID])
    due_condition = forms.ChoiceField(label="Due", choices=CONDITIONS, required=False)
    due_date = inputs.DateField(label="Due date", required=False)
    modified_condition = forms.ChoiceField(
        label="Last modified", choices=CONDITIONS, required=False
    )
    modified = forms.DateTimeField(
        label="Last modified at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    created_condition = forms.ChoiceField(label="Created", choices=CONDITIONS, required=False)
    created = forms.DateTimeField(
        label="Created at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def clean(self):
        data = super().clean()
        for name in ("modified", "created"):
            moment = data.get(name)
            if moment and not (
                dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
                <= moment
                <= dt.datetime(2099, 12, 31, tzinfo=dt.UTC)
            ):
                self.add_error(name, "Enter a time from 2000 to 2099.")
        return data

    def erp_filters(self) -> dict:
        """The valid filters as ``client.supplier_invoices.page`` keywords."""
        data = self.cleaned_data
        filters: dict = {
            "status": data.get("status") or None,
            "document_type": data.get("document_type") or None,
            "supplier": data.get("supplier") or None,
        }
        pairs = (
            ("due_date", "due_date", "due_condition"),
            ("last_modified_date_time", "modified", "modified_condition"),
            ("created_date_time", "created", "created_condition"),
        )
        for keyword, field, condition in pairs:
            value = data.get(field)
            if value:
                if isinstance(value, dt.datetime) and timezone.is_naive(value):
                    value = timezone.make_aware(value)
                filters[keyword] = When(value, data.get(condition) or ">=")
        return {key: value for key, value in filters.items() if value is not None}


class PrebookForm(ActionForm):
    account = forms.CharField(
        max_length=10,
        validators=[_DOCUMENT_ID],
        help_text="An active account of the company's chart of accounts, e.g. 4300.",
    )
    subaccount = forms.CharField(
        max_length=40,
        help_text="Segment values joined by '-', e.g. 100-10 (Avdeling 100, Prosjekt 10).",
    )

    def __init__(self, *args, accounts=None, subaccounts=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # {number: description} of active accounts; {subaccountNumber: Subaccount}.
        self.accounts = accounts or {}
        self.subaccounts = subaccounts or {}

    def clean_account(self) -> str:
        account = self.cleaned_data["account"].strip()
        if account not in self.accounts:
            raise forms.ValidationError(
                f"Account {account} does not exist or is inactive in this company's chart of "
                "accounts. Choose one from the list. Nothing was sent."
            )
        return account

    def clean_subaccount(self) -> str:
        subaccount = self.cleaned_data["subaccount"].strip()
        if subaccount not in self.subaccounts:
            raise forms.ValidationError(
                f"Subaccount {subaccount} does not exist in this company. Choose one from the "
                "list. Nothing was sent."
            )
        return subaccount

    def payload(self) -> dict:
        segments = self.subaccounts[self.cleaned_data["subaccount"]].segment_values()
        return {
            "account": self.cleaned_data["account"],
            "subaccount": {str(k): v for k, v in sorted(segments.items())},
            "subaccount_number": self.cleaned_data["subaccount"],
        }


class AttachForm(ActionForm):
    file = forms.FileField(help_text=attachments.limits_text())
    line_number = forms.IntegerField(
        label="Attach to",
        required=False,
        min_value=1,
        max_value=9999,
        widget=forms.Select(choices=[("", "The invoice itself")]),
    )

    def __init__(self, *args, lines=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._offer_lines(lines)

    def _offer_lines(self, lines) -> None:
        self.fields["line_number"].widget.choices = [("", "The invoice itself")] + [
            (line.line_number, f"Line {line.line_number}: {line.transaction_description or ''}")
            for line in lines
        ]

    def for_document(self, document) -> None:
        self._offer_lines(document.invoice_lines)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        problem = attachments.problem(upload.name, upload.size)
        if problem:
            raise forms.ValidationError(problem)
        return upload

    def payload(self) -> dict:
        line = self.cleaned_data.get("line_number")
        return {"line_number": line} if line else {}


class EditForm(forms.Form):
    """The header fields of ``SupplierInvoiceUpdateDto`` the portal edits."""

    description = forms.CharField(required=False, max_length=255)
    supplier_reference = forms.CharField(label="Supplier reference", required=False, max_length=40)
    due_date = inputs.DateField(label="Due date", required=False)
    token = forms.CharField(widget=forms.HiddenInput, max_length=500)
    etag = forms.CharField(widget=forms.HiddenInput, max_length=200)
    # The values when the form was opened, signed (operations.conflicts reads them).
    opened = forms.CharField(widget=forms.HiddenInput, max_length=4000)


EDIT_FIELDS = ("description", "supplier_reference", "due_date")
