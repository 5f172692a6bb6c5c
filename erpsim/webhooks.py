"""Outbound notifications: signed POSTs to the caller's URL or webhook subscription, all recorded.

DOCS setup-webhooks: HMAC-SHA256 of the UTF-8 body, base64-encoded, sent in a header; the header
name is not confirmed for the ERP, X-VWD-Signature-V1 comes from the same Visma dispatcher's docs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from typing import Any

import httpx


def sign(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


class WebhookLog:
    def __init__(self) -> None:
        self._entries: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def add(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._entries]

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()


async def deliver(
    *,
    url: str,
    payload: dict[str, Any],
    secret: str,
    signature_header: str,
    extra_headers: tuple[tuple[str, str], ...],
    timeout: float,
) -> dict[str, Any]:
    """POST one notification; returns the record for the log (never raises)."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "erpsim-webhook-dispatcher/1"}
    headers.update(dict(extra_headers))
    headers[signature_header] = sign(secret, body)
    record: dict[str, Any] = {
        "url": url,
        "headers": headers,
        "body": payload,
        "status": None,
        "error": None,
    }
    try:
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
            response = await client.post(url, content=body, headers=headers)
        record["status"] = response.status_code
        if not 200 <= response.status_code < 300:
            record["error"] = f"HTTP {response.status_code}"
    except httpx.HTTPError as error:
        record["error"] = f"{type(error).__name__}: {error}"
    return record
