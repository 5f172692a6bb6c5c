# Generated from erpclient/_async by scripts/generate_sync.py; do not edit.
# Change the async source and run `python scripts/generate_sync.py`.
"""``client.webhook_feedback``: tell the ERP how a webhook notification went."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..resources import webhook_feedback as ops

if TYPE_CHECKING:
    from .client import ErpClient


class SyncWebhookFeedback:
    def __init__(self, client: ErpClient) -> None:
        self._client = client

    def post(
        self,
        notification_id: str,
        *,
        is_success: bool,
        description: str = "",
        source: str | None = None,
    ) -> None:
        """Feedback the customer sees in Visma.net for that notification (201, no body)."""
        self._client.request(
            ops.post_operation(
                notification_id, is_success=is_success, description=description, source=source
            )
        )
