"""ETags and ``If-Match``: the ERP's optimistic concurrency.

An ETag travels in headers as a quoted string (``"AAAAAE0YIiI="``). The Financials API also puts the
same version in the body as ``timeStamp`` (base64, unquoted), and list pages carry it only there.
``.etag`` on a model is always the quoted form, ready for ``If-Match``.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class HasEtag(Protocol):
    @property
    def etag(self) -> str | None: ...


def quote_etag(value: str) -> str:
    """``abc`` -> ``"abc"``; quoted values (strong or weak) and ``*`` are kept as they are."""
    value = value.strip()
    if value == "*" or value.startswith('"') or value.startswith('W/"'):
        return value
    return f'"{value}"'


def format_if_match(value: str | HasEtag) -> str:
    """The ``If-Match`` header value for an ETag string or any result that has ``.etag``."""
    etag = value if isinstance(value, str) else value.etag
    if etag is None:
        raise ValueError("if_match was given a result without an ETag; fetch the document first")
    if not etag.strip():
        raise ValueError("if_match must not be empty")
    if any(char in etag for char in "\r\n\x00"):
        raise ValueError("if_match must not contain line breaks")
    quoted = quote_etag(etag)
    inner = quoted[3:-1] if quoted.startswith("W/") else quoted[1:-1]
    if quoted != "*" and ('"' in inner or not quoted.endswith('"')):
        raise ValueError(f"if_match is not a valid entity tag: {etag!r}")
    return quoted


def etag_of(header: str | None, time_stamp: str | None) -> str | None:
    """The version of a document: the ``ETag`` header, else the body's ``timeStamp``."""
    if header:
        return quote_etag(header)
    if time_stamp:
        return quote_etag(time_stamp)
    return None
