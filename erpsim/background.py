"""The Background API's bookkeeping: accepted requests, their state and their stored responses.

OAS-2025 ``BackgroundRequestStateDto``: status Started -> Finished / Failed, ``statusCode`` 0 until
done, ``contentLocation`` for the stored response, removed after 24 hours (410 on ``/content``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from erpsim.loopback import check_notification_url

HEADER = "erp-api-background"


class BackgroundHeaderError(ValueError):
    pass


@dataclass(frozen=True)
class Notification:
    """How the caller wants to hear that the work is done."""

    mode: str  # "url", "none" or "subscription"
    url: str | None = None
    custom_headers: tuple[tuple[str, str], ...] = ()

    @property
    def webhook_address(self) -> str:
        if self.mode == "url":
            return self.url or ""
        return self.mode


def parse_background_header(value: str) -> Notification:
    """``<url>`` | ``none`` | ``subscription[:k=v,...]`` (the OAS-2025 header description)."""
    text = value.strip()
    lowered = text.lower()
    if lowered == "none":
        return Notification("none")
    if lowered == "subscription" or lowered.startswith("subscription:"):
        pairs: list[tuple[str, str]] = []
        rest = text[len("subscription") :].lstrip(":").strip()
        for item in filter(None, (part.strip() for part in rest.split(","))):
            name, sep, header_value = item.partition("=")
            if not sep or not name.strip() or not _is_token(name.strip()):
                raise BackgroundHeaderError(
                    f"erp-api-background: '{item}' is not a name=value pair "
                    "with a valid header name"
                )
            pairs.append((name.strip(), header_value.strip()))
        return Notification("subscription", custom_headers=tuple(pairs))
    if lowered.startswith(("http://", "https://")) and " " not in text:
        try:
            return Notification("url", url=check_notification_url(text))
        except ValueError as error:
            raise BackgroundHeaderError(f"erp-api-background: {error}") from None
    raise BackgroundHeaderError(
        "erp-api-background must be a URL, 'none' or 'subscription[:name=value,...]'"
    )


def _is_token(name: str) -> bool:
    return all(c.isalnum() or c in "-_" for c in name)


@dataclass
class BackgroundOperation:
    id: str
    company_id: int
    client_id: str
    tenant_id: str
    method: str
    path: str
    query_string: str
    headers: dict[str, str]
    body: bytes
    notification: Notification
    original_uri: str
    base_url: str
    received: float
    due: float
    status: str = "Started"
    status_code: int = 0
    started: float | None = None
    finished: float | None = None
    error_message: str | None = None
    reference: str | None = None
    response_body: bytes = b""
    response_content_type: str | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    running: bool = False
    expired: bool = False

    @property
    def done(self) -> bool:
        return self.finished is not None

    def state_document(self, base_url: str) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "statusCode": self.status_code,
            "receivedUtc": _utc(self.received),
            "webhookAddress": self.notification.webhook_address,
            "originalUri": self.original_uri,
            "hasResponseContent": bool(self.response_body),
            "hasRequestContent": bool(self.body),
            "responseHeaders": dict(self.response_headers),
        }
        if self.started is not None:
            doc["startedUtc"] = _utc(self.started)
        if self.finished is not None:
            doc["finishedUtc"] = _utc(self.finished)
        if self.error_message:
            doc["errorMessage"] = self.error_message
        if self.reference:
            doc["reference"] = self.reference
        if self.done and self.response_body:
            doc["contentLocation"] = content_location(base_url, self.id)
        return doc


def state_location(base_url: str, operation_id: str) -> str:
    return f"{base_url}/v1/background/{operation_id}"


def content_location(base_url: str, operation_id: str) -> str:
    return f"{base_url}/v1/background/{operation_id}/content"


def _utc(moment: float) -> str:
    return datetime.fromtimestamp(moment, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class BackgroundStore:
    def __init__(self) -> None:
        self._operations: dict[str, BackgroundOperation] = {}
        self._lock = threading.Lock()

    def add(self, operation: BackgroundOperation) -> None:
        with self._lock:
            self._operations[operation.id] = operation

    def get(self, operation_id: str) -> BackgroundOperation | None:
        with self._lock:
            return self._operations.get(operation_id.lower())

    def claim_due(self, now: float) -> list[BackgroundOperation]:
        """Operations whose time has come, marked running so no one else picks them up."""
        with self._lock:
            due = [
                op
                for op in self._operations.values()
                if not op.done and not op.running and op.due <= now
            ]
            for op in due:
                op.running = True
            return sorted(due, key=lambda op: op.received)

    def expire(self, now: float, retention: float) -> None:
        with self._lock:
            for op in self._operations.values():
                finished = op.finished
                if not op.expired and finished is not None and now - finished >= retention:
                    op.expired = True
                    op.response_body = b""

    def all(self) -> list[BackgroundOperation]:
        with self._lock:
            return sorted(self._operations.values(), key=lambda op: op.received)

    def reset(self) -> None:
        with self._lock:
            self._operations.clear()
