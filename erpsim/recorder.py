"""The log behind ``GET /_sandbox/requests``: what each caller sent and got, secrets masked."""

from __future__ import annotations

import itertools
import re
import threading
from collections import deque
from typing import Any

MASK = "***"
_SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie"}
_SECRET_FORM_FIELDS = re.compile(r"(client_secret|password|access_token)=[^&]*")
_SECRET_JSON_FIELDS = re.compile(r'("(?:client_secret|webhook_secret|password)"\s*:\s*)"[^"]*"')
_BODY_PREVIEW = 4096


def mask_headers(headers: dict[str, str]) -> dict[str, str]:
    masked = {}
    for name, value in headers.items():
        if name in _SECRET_HEADERS:
            scheme = value.split(" ", 1)[0] if " " in value else ""
            masked[name] = f"{scheme} {MASK}".strip()
        else:
            masked[name] = value
    return masked


def mask_body(body: bytes, content_type: str) -> str:
    if not body:
        return ""
    if content_type.startswith("multipart/"):
        return f"<multipart body, {len(body)} bytes>"
    text = body[:_BODY_PREVIEW].decode("utf-8", errors="replace")
    text = _SECRET_FORM_FIELDS.sub(lambda m: f"{m.group(1)}={MASK}", text)
    text = _SECRET_JSON_FIELDS.sub(lambda m: f'{m.group(1)}"{MASK}"', text)
    if len(body) > _BODY_PREVIEW:
        text += f"... ({len(body)} bytes)"
    return text


class RequestLog:
    def __init__(self, size: int) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self._sequence = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, entry: dict[str, Any]) -> None:
        with self._lock:
            entry["seq"] = next(self._sequence)
            self._entries.append(entry)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()
            self._sequence = itertools.count(1)
