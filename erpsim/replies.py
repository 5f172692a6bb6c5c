"""The sandbox's small response type, sent straight over ASGI (cheaper than a framework one)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

JSON = "application/json; charset=utf-8"

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def encode_json(data: Any) -> bytes:
    return _encode(data).encode()


def json_reply(status: int, data: Any, headers: list[tuple[str, str]] | None = None) -> Reply:
    return Reply(status, encode_json(data), JSON, list(headers or []))


def empty_reply(status: int, headers: list[tuple[str, str]] | None = None) -> Reply:
    return Reply(status, b"", None, list(headers or []))


async def send_reply(send: Any, reply: Reply) -> None:
    raw_headers = [(b"content-length", str(len(reply.body)).encode())]
    if reply.content_type:
        raw_headers.append((b"content-type", reply.content_type.encode()))
    raw_headers.extend((k.lower().encode(), v.encode("latin-1")) for k, v in reply.headers)
    await send({"type": "http.response.start", "status": reply.status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": reply.body})
