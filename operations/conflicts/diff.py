"""The field table of a conflict (412): each field as it was when the person opened the page, as
it is in the ERP now, and as they submitted it (for an edit). Only rows where something differs
are highlighted (django-concurrency's per-field diff; operations-facts §4)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    label: str
    opened: Any
    now: Any
    submitted: Any
    has_submitted: bool

    @property
    def changed_in_erp(self) -> bool:
        """Someone else changed it since the page was opened."""
        return _text(self.opened) != _text(self.now)

    @property
    def yours(self) -> bool:
        """The person changed it on the form."""
        return self.has_submitted and _text(self.submitted) != _text(self.opened)

    @property
    def clash(self) -> bool:
        """Both changed it, to different values: re-applying overwrites the other change."""
        return self.changed_in_erp and self.yours and _text(self.submitted) != _text(self.now)

    @property
    def highlighted(self) -> bool:
        return self.changed_in_erp or self.yours


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def rows(
    fields: Sequence[tuple[str, str]],
    opened: Mapping[str, Any],
    now: Mapping[str, Any],
    submitted: Mapping[str, Any] | None = None,
) -> list[Row]:
    return [
        Row(
            key=key,
            label=label,
            opened=opened.get(key),
            now=now.get(key),
            submitted=(submitted or {}).get(key),
            has_submitted=submitted is not None and key in submitted,
        )
        for key, label in fields
    ]
