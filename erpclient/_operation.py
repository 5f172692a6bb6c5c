"""An ERP call described as data, so the sync and async clients run the same thing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import quote

from ._reply import Reply
from .background import Background
from .config import Service

T = TypeVar("T")

Parser = Callable[[Reply], T]


def build_path(template: str, **params: Any) -> str:
    """Fill a path template, escaping each value; empty values are refused (they would change
    which endpoint is called)."""
    values = {}
    for name, value in params.items():
        text = str(value).strip() if value is not None else ""
        if not text:
            raise ValueError(f"{name} is required and must not be empty")
        # Most ids are plain letters and digits; only the rest pay for escaping.
        values[name] = text if text.isascii() and text.isalnum() else quote(text, safe="")
    return template.format(**values)


@dataclass(frozen=True, slots=True)
class FileUpload:
    filename: str
    content: bytes
    content_type: str

    def __post_init__(self) -> None:
        if not self.filename or any(char in self.filename for char in '\r\n"/\\\x00'):
            raise ValueError("filename must be a plain file name (no path, quotes or line breaks)")
        if not isinstance(self.content, bytes | bytearray):
            raise ValueError("attachment content must be bytes")


@dataclass(frozen=True, slots=True)
class Operation(Generic[T]):
    """One ERP request: where it goes, what it carries and how to read a 2xx answer."""

    method: str
    service: Service
    path_template: str
    path: str
    family: str
    parse: Parser[T]
    params: Mapping[str, Any] | None = None
    json: Any = None
    upload: FileUpload | None = None
    if_match: str | None = None
    background: Background | None = None
    idempotent: bool | None = None
