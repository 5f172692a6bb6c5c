"""``POST /v1/webhooknotificationfeedback`` (OAS-2025): the integration tells the ERP how it
handled a notification; the ERP shows it to the customer ("View notification feedback",
operations-facts C11). The sandbox records each one for tests (``GET /_sandbox/feedback``)."""

from __future__ import annotations

import threading
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from erpsim.call import Call
from erpsim.financials.common import JSON_TYPES, bad_request, failure
from erpsim.replies import Reply, json_reply

if TYPE_CHECKING:
    from erpsim.app import SandboxApp

FORM = "application/x-www-form-urlencoded"
FIELDS = ("notificationId", "source", "description", "isSuccess")
DESCRIPTION_LENGTH = 4000


class FeedbackLog:
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


def post_feedback(call: Call, app: SandboxApp) -> Reply:
    feedback = _read(call)
    sandbox = app.sandbox
    assert call.client is not None and call.company is not None and call.tenant is not None
    sent = {e.get("notification_id") for e in sandbox.webhooks.entries()}
    sandbox.feedback.add(
        {
            **feedback,
            "known": feedback["notificationId"] in sent,
            "client_id": call.client.client_id,
            "tenant_id": call.tenant.tenant_id,
            "company_id": call.company.company_id,
            "time": sandbox.clock.utcnow().isoformat(),
            "request_id": call.request_id,
        }
    )
    # The spec declares the 201 body only as "object".
    return json_reply(201, {})


def _read(call: Call) -> dict[str, Any]:
    """``WebhookNotificationFeedbackDto`` as JSON or a form; 400/415 in the IPPException shape."""
    if call.content_type in JSON_TYPES:
        try:
            data = call.json_body()
        except (ValueError, UnicodeDecodeError) as error:
            raise bad_request(call, f"The request body is not valid JSON: {error}") from None
    elif call.content_type == FORM:
        try:
            pairs = parse_qs(call.body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            raise bad_request(call, "The form body is not UTF-8.") from None
        data = {name: values[-1] for name, values in pairs.items()}
        if "isSuccess" in data:
            data["isSuccess"] = {"true": True, "false": False}.get(data["isSuccess"].lower(), "?")
    else:
        raise failure(
            call, 415, "Send WebhookNotificationFeedbackDto as application/json or a form."
        )
    if not isinstance(data, dict):
        raise bad_request(call, "The body must be a WebhookNotificationFeedbackDto object.")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise bad_request(
            call, f"Unknown field(s) for WebhookNotificationFeedbackDto: {', '.join(unknown)}."
        )
    notification_id = data.get("notificationId")
    try:
        uuid.UUID(str(notification_id))
    except ValueError:
        raise bad_request(
            call, "notificationId must be the notification's id (a UUID, x-vwd-notification-id)."
        ) from None
    if not isinstance(data.get("isSuccess"), bool):
        raise bad_request(call, "isSuccess must be true or false.")
    for name in ("source", "description"):
        value = data.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > DESCRIPTION_LENGTH):
            raise bad_request(
                call, f"{name} must be text of at most {DESCRIPTION_LENGTH} characters."
            )
    return {
        "notificationId": str(notification_id),
        "source": data.get("source"),
        "description": data.get("description"),
        "isSuccess": data["isSuccess"],
    }
