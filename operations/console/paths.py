"""The URL of a console call: its path filled in, its query as erpclient sends it, its endpoint
family for the call ledger, and "copy as curl" with a placeholder where the token goes."""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_VERSION = re.compile(r"^v\d+$", re.IGNORECASE)
# What stands in for the token in a copied command: the console never shows the real one.
TOKEN_PLACEHOLDER = "$VISMA_ACCESS_TOKEN"  # noqa: S105 - a shell variable name, not a secret


def fill_path(template: str, values: Mapping[str, str], *, keep_missing: bool = False) -> str:
    """``template`` with each ``{name}`` replaced by its escaped value; a missing or empty value
    is refused (it would change which endpoint is called), or kept as ``{name}`` when asked."""

    def replace(match: re.Match[str]) -> str:
        value = str(values.get(match.group(1), "")).strip()
        if not value:
            if keep_missing:
                return match.group(0)
            raise ValueError(f"{match.group(1)} is required")
        return quote(value, safe="")

    return _PLACEHOLDER.sub(replace, template)


def family_of(template: str) -> str:
    """The endpoint family in the call ledger: the first segment after the version
    (``/v1/supplierInvoice/...`` → ``supplierInvoice``, ``/api/v3/SalesOrders`` → ``salesorders``,
    as erpclient's own resources name them)."""
    parts = [part for part in template.split("/") if part and part != "api"]
    while parts and _VERSION.match(parts[0]):
        parts = parts[1:]
    family = parts[0] if parts else "other"
    return family.lower() if "/api/v3/" in template.lower() else family


def query_string(query: Mapping[str, Any]) -> str:
    values = {key: value for key, value in query.items() if value not in (None, "", [])}
    return str(httpx.QueryParams(values)) if values else ""


def full_path(path: str, query: Mapping[str, Any]) -> str:
    text = query_string(query)
    return f"{path}?{text}" if text else path


def curl(
    *,
    method: str,
    base_url: str,
    path: str,
    if_match: str | None = None,
    background: str | None = None,
    body: str | None = None,
    company_id: int | None = None,
) -> str:
    """The call as a curl command; ``$VISMA_ACCESS_TOKEN`` is where the token goes."""
    parts = ["curl", "-X", method, shlex.quote(base_url.rstrip("/") + path)]
    headers = [f"Authorization: Bearer {TOKEN_PLACEHOLDER}", "Accept: application/json"]
    if company_id and "/api/v3/" not in path.lower():
        headers.append(f"ipp-company-id: {company_id}")
    if if_match:
        headers.append(f"If-Match: {if_match}")
    if background:
        headers.append(f"erp-api-background: {background}")
    if body:
        headers.append("Content-Type: application/json")
    for header in headers:
        # Double quotes so the shell expands the token variable; the rest is plain text.
        parts += ["-H", '"' + header.replace("\\", "\\\\").replace('"', '\\"') + '"']
    if body:
        parts += ["--data-raw", shlex.quote(body)]
    return " \\\n  ".join([" ".join(parts[:4]), *_pairs(parts[4:])])


def _pairs(items: list[str]) -> list[str]:
    return [f"{items[i]} {items[i + 1]}" for i in range(0, len(items), 2)]
