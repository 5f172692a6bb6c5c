"""Feedback on a webhook notification (``POST /v1/webhooknotificationfeedback``).

Customers see it in Visma.net ("View notification feedback", operations-facts C11), so the
description is written for them. Posting the same feedback twice only repeats a message, so the
call counts as idempotent for the retry rules.
"""

from __future__ import annotations

from typing import Any

from .._operation import Operation
from .._reply import Reply
from ..config import Service

PATH = "/v1/webhooknotificationfeedback"
FAMILY = "webhook_feedback"
# The description the ERP shows; longer text is cut (the spec gives no limit; keep it readable).
MAX_DESCRIPTION = 500


def _ignore(reply: Reply) -> None:
    return None


def post_operation(
    notification_id: str, *, is_success: bool, description: str = "", source: str | None = None
) -> Operation[None]:
    body: dict[str, Any] = {
        "notificationId": notification_id,
        "isSuccess": is_success,
        "description": description[:MAX_DESCRIPTION],
    }
    if source:
        body["source"] = source
    return Operation("POST", Service.ERP, PATH, PATH, FAMILY, _ignore, json=body, idempotent=True)
