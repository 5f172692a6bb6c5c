"""Forms of the inbox pages. A signing key is write-only: never given back, never rendered."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from .models import REPROCESSABLE, SOURCE_CHOICES, DeliveryStatus

ANY = [("", "Any")]
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


class InboxFilterForm(forms.Form):
    source = forms.ChoiceField(choices=ANY + SOURCE_CHOICES, required=False)
    status = forms.ChoiceField(choices=ANY + list(DeliveryStatus.choices), required=False)
    tenant = forms.CharField(
        label="Tenant id", required=False, max_length=64, widget=forms.TextInput({"type": "search"})
    )
    event = forms.CharField(
        label="Event", required=False, max_length=100, widget=forms.TextInput({"type": "search"})
    )


class MomentField(forms.DateTimeField):
    """A moment in the portal's zone, within a range the database and the zone math can hold."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATETIME_FORMATS)
        kwargs.setdefault("widget", forms.DateTimeInput({"type": "datetime-local"}))
        super().__init__(**kwargs)

    def clean(self, value):
        moment = super().clean(value)
        if moment is not None and not EARLIEST <= moment < LATEST:
            raise forms.ValidationError("Enter a time from the year 2000 to 2099.")
        return moment


class ReprocessRangeForm(forms.Form):
    source = forms.ChoiceField(choices=SOURCE_CHOICES)
    start = MomentField(label="Received from")
    end = MomentField(label="Received before")
    statuses = forms.MultipleChoiceField(
        label="With status",
        choices=[(status.value, status.label) for status in REPROCESSABLE],
        initial=[DeliveryStatus.FAILED.value],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        # Ids of its own: the inbox's filter form beside it has a "source" too.
        kwargs.setdefault("auto_id", "id_range_%s")
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.initial.setdefault(
                "start", (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
            )
            self.initial.setdefault("end", now.strftime("%Y-%m-%dT%H:%M"))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", "The end of the range must come after its start.")
        return data


class SubscriptionForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="As in the Visma Developer Portal.")
    dispatcher_id = forms.CharField(
        label="Dispatcher subscription id",
        max_length=100,
        required=False,
        help_text="The X-VWD-Subscription-Id its notifications carry, if you know it.",
    )


class SigningKeyForm(forms.Form):
    label = forms.CharField(max_length=120, help_text="e.g. “key of 2026-12”.")
    key = forms.CharField(
        label="Signature key",
        strip=False,
        min_length=16,
        max_length=500,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
        help_text="Write-only: stored encrypted and never shown again.",
    )


class StatuspageTokenForm(forms.Form):
    label = forms.CharField(max_length=120, help_text="e.g. “status.visma.com subscription”.")
