"""Checks on what people type or import: tenant ids, client ids."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

_GUID = re.compile(
    r"\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?", re.IGNORECASE
)
EXAMPLE_GUID = "5d1f3b0a-8c2e-4f6a-9b71-2e4c6a8d0f11"


def normalize_tenant_id(value: str) -> str:
    """The canonical (lower-case, 8-4-4-4-12) form of a tenant id, or ValidationError."""
    text = (value or "").strip()
    if not text:
        raise ValidationError("Enter the company tenant id.", code="required")
    match = _GUID.fullmatch(text)
    if match is None:
        shown = text if len(text) <= 60 else text[:57] + "…"
        raise ValidationError(
            f"“{shown}” is not a tenant id. A tenant id is a GUID of 32 hexadecimal digits in "
            f"groups of 8-4-4-4-12, like {EXAMPLE_GUID}.",
            code="invalid_guid",
        )
    return match.group(1).lower()


def is_tenant_id(value: str) -> bool:
    try:
        normalize_tenant_id(value)
    except ValidationError:
        return False
    return True
