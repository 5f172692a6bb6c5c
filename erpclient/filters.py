"""Typed filter conditions for the Financials API's list endpoints.

The API takes a value and a separate ``…Condition`` parameter, for example
``lastModifiedDateTime=2025-05-01T10:00:00&lastModifiedDateTimeCondition=>=`` (httpx percent-encodes
the operator). Date-times are written ``yyyy-MM-ddTHH:mm:ss`` (``.fff`` when there are
milliseconds); dates ``yyyy-MM-dd``. An aware date-time is converted to UTC first, because the
API's formats carry no offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum


class Condition(Enum):
    GT = ">"
    LT = "<"
    GTE = ">="
    LTE = "<="

    @classmethod
    def parse(cls, value: Condition | str) -> Condition:
        if isinstance(value, Condition):
            return value
        for condition in cls:
            if condition.value == value:
                return condition
        allowed = ", ".join(repr(c.value) for c in cls)
        raise ValueError(f"condition must be one of {allowed}, got {value!r}")


def format_datetime(value: datetime | date) -> str:
    if not isinstance(value, datetime):
        return f"{value:%Y-%m-%d}T00:00:00"
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    text = f"{value:%Y-%m-%dT%H:%M:%S}"
    if value.microsecond:
        text += f".{value.microsecond // 1000:03d}"
    return text


def format_date(value: datetime | date) -> str:
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC)
    return f"{value:%Y-%m-%d}"


@dataclass(frozen=True, slots=True)
class When:
    """A point in time with a comparison: ``after(dt)``, ``before(dt)``, ``since(dt)``,
    ``until(dt)``."""

    value: datetime | date
    condition: Condition

    def __post_init__(self) -> None:
        if not isinstance(self.value, date):
            raise ValueError(f"a date filter needs a date or datetime, got {self.value!r}")
        object.__setattr__(self, "condition", Condition.parse(self.condition))

    def render(self, name: str, *, date_only: bool = False) -> dict[str, str]:
        text = format_date(self.value) if date_only else format_datetime(self.value)
        return {name: text, f"{name}Condition": self.condition.value}


def after(value: datetime | date) -> When:
    return When(value, Condition.GT)


def before(value: datetime | date) -> When:
    return When(value, Condition.LT)


def since(value: datetime | date) -> When:
    """On or after ``value``."""
    return When(value, Condition.GTE)


def until(value: datetime | date) -> When:
    """On or before ``value``."""
    return When(value, Condition.LTE)
