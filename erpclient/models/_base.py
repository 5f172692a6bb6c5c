"""Typed models built from the specs' JSON field names, tolerant of unknown fields.

A model field ``last_modified_date_time`` reads the JSON key ``lastModifiedDateTime`` (camel case of
its name, or ``metadata["key"]`` when the spec spells it otherwise). Unknown keys are not lost: the
whole body stays in ``raw`` and the keys the model does not know are in ``extra``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from datetime import datetime
from typing import Any, ClassVar, Self, TypeVar

from ..ratelimit import RateLimitInfo

M = TypeVar("M", bound="ErpModel")
Converter = Callable[[Any], Any]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def as_datetime(value: Any) -> datetime | None:
    """ISO 8601 as the ERP writes it (``Z``, offsets and 7-digit .NET fractions allowed)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def nested(model: type[M]) -> Converter:
    def convert(value: Any) -> M | None:
        return model.from_dict(value) if isinstance(value, dict) else None

    return convert


def list_of(model: type[M]) -> Converter:
    def convert(value: Any) -> list[M]:
        if not isinstance(value, list):
            return []
        return [model.from_dict(item) for item in value if isinstance(item, dict)]

    return convert


def spec(key: str | None = None, conv: Converter | None = None, default: Any = None) -> Any:
    """A model field read from JSON ``key`` (default: the camel case of the field name)."""
    if isinstance(default, list):
        return field(default_factory=list, metadata={"key": key, "conv": conv})
    return field(default=default, metadata={"key": key, "conv": conv})


def local(default: Any = None) -> Any:
    """A model field that does not come from the JSON body (a header, the HTTP status)."""
    return field(default=default, metadata={"computed": True})


@dataclass(slots=True, kw_only=True)
class ErpModel:
    """Base of every model: the body as received and the rate-limit figures of its response."""

    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    ratelimit: RateLimitInfo | None = field(default=None, repr=False, compare=False)

    _spec: ClassVar[tuple[tuple[str, str, Converter | None], ...]] = ()
    _known_keys: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], **context: Any) -> Self:
        # On the hot path of every call: one pass, no copies of the body.
        get = data.get
        values = {
            attr: value if conv is None else conv(value)
            for attr, key, conv in cls._spec
            if (value := get(key)) is not None
        }
        values["raw"] = data
        if context:
            values.update(context)
        return cls(**values)

    @property
    def extra(self) -> dict[str, Any]:
        """Fields the ERP sent that this model does not name (newer API versions add some)."""
        return {key: value for key, value in self.raw.items() if key not in self._known_keys}


_BASE_FIELDS = frozenset({"raw", "ratelimit", "etag"})


def erp_model(cls: type[M]) -> type[M]:
    """Make ``cls`` a keyword-only slotted dataclass and precompute how to read it from JSON.

    Not frozen: a frozen dataclass sets every field through ``object.__setattr__``, which made
    reading an invoice twice as slow. Treat results as read-only data all the same."""
    cls = dataclass(slots=True, kw_only=True)(cls)
    rows = []
    for model_field in fields(cls):
        if model_field.name in _BASE_FIELDS or model_field.metadata.get("computed"):
            continue
        if model_field.default is MISSING and model_field.default_factory is MISSING:
            raise TypeError(f"{cls.__name__}.{model_field.name} needs a default (tolerant models)")
        key = model_field.metadata.get("key") or _camel(model_field.name)
        rows.append((model_field.name, key, model_field.metadata.get("conv")))
    cls._spec = tuple(rows)
    cls._known_keys = frozenset(key for _, key, _ in rows)
    return cls
