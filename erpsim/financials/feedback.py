"""``POST /v1/webhooknotificationfeedback`` (OAS-2025): the integration tells the ERP how it
handled a notification; the ERP shows it to the customer ("View notification feedback",
operations-facts C11). The sandbox records each one for tests (``GET /_sandbox/feedback``)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from erpsim.call import Call
from erpsim.financials.common import bad_request, json_object
from erpsim.replies import Reply, json_reply

if TYPE_CHECKING:
    from erpsim.app import SandboxApp

FORM = "application/x-www-form-urlencoded"
DTO = "WebhookNotificationFeedbackDto"
FIELDS = ("notificationId", "source", "description", "isSuccess")
DESCRIPTION_LENGTH = 4000


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
    if call.content_type != FORM:
        data = json_object(call, DTO, set(FIELDS))
    else:
        try:
            pairs = parse_qs(call.body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            raise bad_request(call, "The form body is not UTF-8.") from None
        data = {name: values[-1] for name, values in pairs.items()}
        if "isSuccess" in data:
            data["isSuccess"] = {"true": True, "false": False}.get(data["isSuccess"].lower(), "?")
        unknown = sorted(set(data) - set(FIELDS))
        if unknown:
            raise bad_request(call, f"Unknown field(s) for {DTO}: {', '.join(unknown)}.")
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
