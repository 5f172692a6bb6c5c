"""``client.webhook_feedback``: tell the ERP how a webhook notification went."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..resources import webhook_feedback as ops

if TYPE_CHECKING:
    from .client import AsyncErpClient


class AsyncWebhookFeedback:
    def __init__(self, client: AsyncErpClient) -> None:
        self._client = client

    async def post(
        self,
        notification_id: str,
        *,
        is_success: bool,
        description: str = "",
        source: str | None = None,
    ) -> None:
        """Feedback the customer sees in Visma.net for that notification (201, no body)."""
        await self._client.request(
            ops.post_operation(
                notification_id, is_success=is_success, description=description, source=source
            )
        )
