"""Signals other apps listen to.

``throttling_detected`` is sent with ``client_id``, ``tenant_id``, ``kind`` ("near_limit",
"rate_limited" or "test_client_heavy") and ``details`` (a dict without secrets) whenever an alert
rule fires: the hour crossed ``USAGE_ALERT_SHARE`` of its budget, the ERP answered 429, or a test
client averages above ``USAGE_TEST_CLIENT_HEAVY_SHARE`` of its limit. The tenants app opens or
refreshes the tenant's throttling health issue from it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import Signal

logger = logging.getLogger(__name__)

throttling_detected = Signal()

KINDS = ("near_limit", "rate_limited", "test_client_heavy")


def send_throttling(*, client_id: str, tenant_id: str, kind: str, details: dict[str, Any]) -> None:
    """Tell the receivers; a failing receiver is logged and never breaks the ERP call."""
    if kind not in KINDS:
        raise ValueError(f"unknown throttling kind {kind!r}; expected one of {', '.join(KINDS)}")
    responses = throttling_detected.send_robust(
        sender=None, client_id=client_id, tenant_id=tenant_id, kind=kind, details=details
    )
    for receiver, result in responses:
        if isinstance(result, Exception):
            logger.error(
                "throttling receiver %r failed for %s/%s (%s)",
                receiver,
                client_id,
                tenant_id,
                kind,
                exc_info=result,
            )
