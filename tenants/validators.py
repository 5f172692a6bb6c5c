"""Checks on what people type or import: tenant ids, client ids, organisation numbers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

_GUID = re.compile(
    r"\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?", re.IGNORECASE
)
# The same 32 digits without dashes, as some tools copy them.
_BARE_GUID = re.compile(r"\{?([0-9a-f]{32})\}?", re.IGNORECASE)
EXAMPLE_GUID = "5d1f3b0a-8c2e-4f6a-9b71-2e4c6a8d0f11"


def normalize_tenant_id(value: str) -> str:
    """The canonical (lower-case, 8-4-4-4-12) form of a tenant id, or ValidationError. Braces,
    upper case and the 32 digits without dashes are accepted."""
    text = (value or "").strip()
    if not text:
        raise ValidationError("Enter the company tenant id.", code="required")
    bare = _BARE_GUID.fullmatch(text)
    if bare is not None:
        digits = bare.group(1).lower()
        return "-".join((digits[:8], digits[8:12], digits[12:16], digits[16:20], digits[20:]))
    match = _GUID.fullmatch(text)
    if match is None:
        shown = text if len(text) <= 60 else text[:57] + "…"
        raise ValidationError(
            f"“{shown}” is not a tenant id. A tenant id is a GUID of 32 hexadecimal digits in "
            f"groups of 8-4-4-4-12, like {EXAMPLE_GUID} (the dashes may be left out).",
            code="invalid_guid",
        )
    return match.group(1).lower()


def is_tenant_id(value: str) -> bool:
    try:
        normalize_tenant_id(value)
    except ValidationError:
        return False
    return True


# An organisation number as registers print them in the countries Visma.net ERP serves
# ("923 609 016", "556036-0793", "1234567-8", "NL 12345678"): letters and digits, with single
# spaces, dots, dashes or slashes between them, and at least four digits. The country is not
# known, so the check is of the shape, not a register's checksum.
_ORGANISATION_NUMBER = re.compile(r"[0-9A-Za-z]+(?:[ .\-/][0-9A-Za-z]+)*")
ORGANISATION_NUMBER_MIN_DIGITS = 4


def check_organisation_number(value: str) -> None:
    """ValidationError unless ``value`` (already stripped, not empty) looks like an
    organisation number."""
    if not _ORGANISATION_NUMBER.fullmatch(value) or (
        sum(c.isdigit() for c in value) < ORGANISATION_NUMBER_MIN_DIGITS
    ):
        raise ValidationError(
            "Enter the organisation number as the company register shows it, e.g. "
            "“923 609 016” or “556036-0793”: digits and letters, with spaces, dots or dashes "
            "between them.",
            code="invalid",
        )
