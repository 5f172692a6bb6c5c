"""Input of the usage pages, checked before anything is read or written."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError

from portal.inputs import DateField, ModelIdsField

from . import conf
from .models import MeteredCompany
from .overview import SORTS, Filters


class DashboardFilterForm(forms.Form):
    client = forms.ChoiceField(label="API client", required=False)
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": "Company name or tenant id"}),
    )
    above = forms.BooleanField(label="Above 80 %", required=False)
    throttled = forms.BooleanField(label="Throttled", required=False)
    test = forms.BooleanField(label="Test clients", required=False)
    # Set by the column headers; kept across filter changes as hidden fields.
    sort = forms.ChoiceField(
        choices=[(key, key) for key in SORTS], required=False, widget=forms.HiddenInput
    )
    dir = forms.ChoiceField(
        choices=[("asc", "asc"), ("desc", "desc")], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, client_ids: list[str], **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["client"].choices = [("", "All clients")] + [(c, c) for c in client_ids]
        self.order_fields(["client", "q", "above", "throttled", "test"])
        share = round(conf.get("USAGE_ALERT_SHARE") * 100)
        self.fields["above"].label = f"Above {share} %"

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_valid() else {}
        return Filters(
            client_id=data.get("client") or "",
            above=bool(data.get("above")),
            throttled=bool(data.get("throttled")),
            test_only=bool(data.get("test")),
            q=(data.get("q") or "").strip(),
            sort=data.get("sort") or "usage",
            descending=(data.get("dir") or "desc") == "desc",
        )


class CompanyChoices(ModelIdsField):
    default_error_messages = {
        "invalid_choice": "Unknown company: %(value)s. Pick companies from the list.",
        "invalid_pk_value": "%(pk)s is not a company id.",
    }

    def label_from_instance(self, obj: MeteredCompany) -> str:
        return f"{obj.label} ({obj.client_id})"


class ExportForm(forms.Form):
    companies = CompanyChoices(
        queryset=MeteredCompany.objects.filter(active=True).order_by("name", "client_id"),
        required=False,
        help_text="Leave empty for every company.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    start = DateField(label="From (UTC date)")
    end = DateField(label="To (UTC date, included)")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start is None or end is None:
            return data
        if end < start:
            raise ValidationError("The end date is before the start date.")
        if end > date.today() + timedelta(days=1):
            raise ValidationError("The end date is in the future; there are no figures yet.")
        days = (end - start).days + 1
        max_days = conf.get("USAGE_EXPORT_MAX_DAYS")
        if days > max_days:
            raise ValidationError(f"That is {days} days; export at most {max_days} days at a time.")
        companies = data.get("companies")
        count = len(companies) if companies else MeteredCompany.objects.filter(active=True).count()
        rows = count * days * 24
        max_rows = conf.get("USAGE_EXPORT_MAX_ROWS")
        if rows > max_rows:
            raise ValidationError(
                f"That could be up to {rows:,} rows ({count} companies, {days} days, 24 hours "
                f"a day); the limit is {max_rows:,}. Choose fewer companies or a shorter period."
            )
        return data

    def period(self) -> tuple[datetime, datetime]:
        start: date = self.cleaned_data["start"]
        end: date = self.cleaned_data["end"]
        return (
            datetime.combine(start, time(0), tzinfo=UTC),
            datetime.combine(end, time(23), tzinfo=UTC),
        )

    def chosen(self):
        companies = self.cleaned_data.get("companies")
        if companies:
            return companies
        return MeteredCompany.objects.filter(active=True)


class ReserveForm(forms.Form):
    reserve_percent = forms.IntegerField(
        label="Kept for staff (%)",
        required=False,
        min_value=0,
        max_value=99,
        help_text="Empty: the default for the client type.",
    )

    def reserve(self) -> float | None:
        value = self.cleaned_data.get("reserve_percent")
        return None if value is None else value / 100
