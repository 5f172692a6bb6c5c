"""The values a form was opened with, carried in the form signed, so a conflict can show them
without the portal keeping a copy of the document."""

from __future__ import annotations

from typing import Any

from django.core import signing

SALT = "operations.conflicts.opened"


def seal(values: dict[str, Any]) -> str:
    return signing.dumps(values, salt=SALT, compress=True)


def unseal(value: str) -> dict[str, Any]:
    """The values, or ``signing.BadSignature`` for anything not sealed by the portal."""
    data = signing.loads(value or "", salt=SALT)
    if not isinstance(data, dict):
        raise signing.BadSignature("not a snapshot")
    return data
