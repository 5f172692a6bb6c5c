"""One incoming request as handlers see it: parsed once, the caller resolved from its token."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

if TYPE_CHECKING:
    from erpsim.state import Client, Company, Tenant
    from erpsim.tokens import Claims

# Which service a request is for; each answers errors in its own shape.
CONNECT = "connect"
FINANCIALS = "financials"
SALESORDERS = "salesorders"
CONTROL = "control"
STATUSPAGE = "statuspage"


@dataclass(slots=True)
class Call:
    method: str
    path: str
    query_string: str
    headers: dict[str, str]
    body: bytes
    api: str
    base_url: str
    request_id: str
    params: dict[str, str] = field(default_factory=dict)
    claims: Claims | None = None
    client: Client | None = None
    tenant: Tenant | None = None
    company: Company | None = None
    # True while the Background API replays the request.
    background: bool = False
    # The sandbox's reset count when the request arrived (Sandbox.reset): a request still being
    # answered when a test resets the sandbox (a held timeout, a lost answer) leaves no trace in
    # the new world's request log or repeat rules.
    generation: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    _query: dict[str, list[str]] | None = None

    @property
    def query(self) -> dict[str, list[str]]:
        """Query parameters by lower-cased name (ASP.NET binds them case-insensitively)."""
        if self._query is None:
            parsed = parse_qs(self.query_string, keep_blank_values=True)
            merged: dict[str, list[str]] = {}
            for name, values in parsed.items():
                merged.setdefault(name.lower(), []).extend(values)
            self._query = merged
        return self._query

    def arg(self, name: str) -> str | None:
        values = self.query.get(name.lower())
        return values[0] if values else None

    def args(self, name: str) -> list[str]:
        return self.query.get(name.lower(), [])

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    def json_body(self) -> Any:
        """The body as JSON; raises ValueError (with the parser's words) when it is not."""
        text = self.body.decode("utf-8")
        return json.loads(text)

    @property
    def uri(self) -> str:
        suffix = f"?{self.query_string}" if self.query_string else ""
        return f"{self.base_url}{self.path}{suffix}"
