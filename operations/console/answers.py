"""What the ERP answered, as the console shows it: status, time, headers with the rate-limit
figures and ETag picked out, the body pretty-printed in collapsible parts, the next page when
there is one, and a 202's Background request to follow."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings

from erpclient import ErpError
from erpclient._reply import Reply
from erpclient.errors import UntrustedLocation
from erpclient.ratelimit import RateLimitInfo
from erpclient.resources.background import request_id_from_location

# Bodies larger than this are cut in the page (the full answer is still in the ERP).
MAX_SHOWN_BYTES = 500_000
# A part of the body is its own collapsible block when its text is longer than this.
FOLD_CHARACTERS = 200
_SUMMARY_KEYS = ("referenceNumber", "orderId", "number", "id", "name", "status", "description")


@dataclass(frozen=True, slots=True)
class Part:
    summary: str
    text: str


@dataclass(slots=True)
class Answer:
    status: int | None
    duration_ms: float
    headers: list[tuple[str, str]] = field(default_factory=list)
    limit: int | None = None
    remaining: int | None = None
    reset_seconds: float | None = None
    policy: str | None = None
    etag: str | None = None
    location: str | None = None
    retry_after: float | None = None
    body: Any = None
    body_text: str = ""
    parts: list[Part] = field(default_factory=list)
    cut: bool = False
    background_id: str | None = None
    background_refused: str = ""

    @property
    def reason(self) -> str:
        if self.status is None:
            return "no answer"
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _figures(answer: Answer, ratelimit: RateLimitInfo | None) -> None:
    if ratelimit is None:
        return
    answer.limit = ratelimit.limit
    answer.remaining = ratelimit.remaining
    answer.reset_seconds = ratelimit.reset_seconds
    answer.policy = ratelimit.policy


def _label(value: Any, index: int) -> str:
    if isinstance(value, dict):
        picked = [f"{key} {value[key]}" for key in _SUMMARY_KEYS if _scalar(value.get(key))]
        return f"[{index}] " + (", ".join(picked[:3]) or f"{len(value)} fields")
    return f"[{index}]"


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool) and value != ""


def _body(answer: Answer, content: bytes | str | Any) -> None:
    if content in (None, b"", ""):
        return
    if isinstance(content, bytes):
        text = content[:MAX_SHOWN_BYTES].decode("utf-8", errors="replace")
        answer.cut = len(content) > MAX_SHOWN_BYTES
        try:
            data: Any = json.loads(content)
        except ValueError:
            answer.body_text = text
            return
    elif isinstance(content, str):
        try:
            data = json.loads(content)
        except ValueError:
            answer.body_text = content[:MAX_SHOWN_BYTES]
            return
    else:
        data = content
    answer.body = data
    answer.body_text = json.dumps(data, indent=2, ensure_ascii=False)[:MAX_SHOWN_BYTES]
    if isinstance(data, list):
        answer.parts = [
            Part(_label(item, index), json.dumps(item, indent=2, ensure_ascii=False))
            for index, item in enumerate(data[:1000])
        ]
    elif isinstance(data, dict):
        answer.parts = [
            Part(str(key), json.dumps(value, indent=2, ensure_ascii=False))
            for key, value in data.items()
        ]


def _background(answer: Answer) -> None:
    if answer.status != 202:
        return
    location = answer.body.get("stateLocation") if isinstance(answer.body, dict) else None
    location = location or answer.location
    if not location:
        return
    try:
        answer.background_id = request_id_from_location(str(location), settings.ERP_API_URL)
    except UntrustedLocation as refused:
        answer.background_refused = str(refused.message)


def answer_of_reply(reply: Reply, duration_ms: float) -> Answer:
    answer = Answer(status=reply.status_code, duration_ms=duration_ms)
    answer.headers = sorted(reply.headers.items())
    _figures(answer, reply.ratelimit)
    answer.etag = reply.headers.get("etag")
    answer.location = reply.headers.get("location")
    _body(answer, reply.content)
    _background(answer)
    return answer


def answer_of_error(error: ErpError, duration_ms: float) -> Answer:
    """An error carries the body and the figures, not every header."""
    answer = Answer(status=error.status, duration_ms=duration_ms, retry_after=error.retry_after)
    _figures(answer, error.ratelimit)
    if error.request_id:
        answer.headers.append(("request id", error.request_id))
    _body(answer, error.body)
    return answer


def next_page(op_query_names: set[str], inputs: dict[str, str], answer: Answer) -> dict | None:
    """The form inputs of the next page, when the answer says there is one.

    SalesOrders v3 says so in ``nextPage`` (a URL, only its query is used, and only when it is
    for the same path on the configured host); Financials lists are pages of ``pageNumber``:
    a full page may have a next one."""
    body = answer.body
    if not answer.ok:
        return None
    if isinstance(body, dict) and body.get("nextPage"):
        parts = urlsplit(str(body["nextPage"]))
        trusted = urlsplit(settings.SALESORDER_API_URL)
        if parts.netloc and parts.netloc.lower() != trusted.netloc.lower():
            return None
        following = dict(inputs)
        for name, value in parse_qsl(parts.query):
            matched = next((n for n in op_query_names if n.lower() == name.lower()), None)
            if matched:
                following[f"query__{matched}"] = value
        return following if following != inputs else None
    if isinstance(body, list) and body and "pageNumber" in op_query_names:
        size = inputs.get("query__pageSize")
        first = body[0] if isinstance(body[0], dict) else {}
        metadata = first.get("metadata") if isinstance(first.get("metadata"), dict) else {}
        page_size = int(size) if size and size.isdigit() else metadata.get("maxPageSize")
        if page_size and len(body) < int(page_size):
            return None
        number = inputs.get("query__pageNumber") or "1"
        following = dict(inputs)
        following["query__pageNumber"] = str(int(number) + 1 if number.isdigit() else 2)
        return following
    return None
