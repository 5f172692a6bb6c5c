"""What people type into filters and what URLs carry, checked before any query: dates the portal
can compute with and ids the database can hold. Anything else is a form error (a 400), never an
overflow or a database error (a 500). Every app's forms use these."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)
# The largest primary key any table of the portal can hold (a 64-bit BigAutoField).
LARGEST_ID = models.BigIntegerField.MAX_BIGINT


class DateField(forms.DateField):
    """A date from EARLIEST_DATE to LATEST_DATE: a day either side of it and its time-zone
    conversions stay representable."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(**kwargs)
        message = f"Enter a date from {EARLIEST_DATE:%Y-%m-%d} to {LATEST_DATE:%Y-%m-%d}."
        self.validators += [
            MinValueValidator(EARLIEST_DATE, message=message),
            MaxValueValidator(LATEST_DATE, message=message),
        ]


def database_id(value: object) -> int:
    """``value`` as a primary key the database can hold, else ValueError (what Django's typed
    choice fields turn into "not one of the available choices")."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"{text[:40]!r} is not an id")
    number = int(text)
    if not 1 <= number <= LARGEST_ID:
        raise ValueError(f"{text[:40]!r} is out of range for an id")
    return number


def is_database_id(value: object) -> bool:
    try:
        database_id(value)
    except ValueError:
        return False
    return True


class ModelIdsField(forms.ModelMultipleChoiceField):
    """ModelMultipleChoiceField whose values are checked as ids before they reach a query."""

    def _check_values(self, value):
        for pk in value:
            if not is_database_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(pk)[:40]},
                )
        return super()._check_values(value)
