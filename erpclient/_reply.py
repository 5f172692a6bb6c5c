"""An ERP answer read once: status, headers as a plain lower-case dict, body, rate-limit figures.

httpx's ``Headers.get`` scans and decodes every header on each lookup; a response is looked at a
dozen times (four rate-limit headers, request id, ETag, Location...), so the headers are turned
into a dict once and every reader uses that.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import httpx

from .ratelimit import RateLimitInfo, parse_ratelimit


@dataclass(frozen=True, slots=True)
class Reply:
    status_code: int
    headers: dict[str, str]
    content: bytes
    ratelimit: RateLimitInfo | None

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    @property
    def reason_phrase(self) -> str:
        try:
            return HTTPStatus(self.status_code).phrase
        except ValueError:
            return f"HTTP {self.status_code}"

    def json(self) -> Any:
        return json.loads(self.content)


def header_map(response: httpx.Response) -> dict[str, str]:
    return {
        key.decode("latin-1").lower(): value.decode("latin-1")
        for key, value in response.headers.raw
    }


def reply_of(response: httpx.Response) -> Reply:
    headers = header_map(response)
    return Reply(response.status_code, headers, response.content, parse_ratelimit(headers))
