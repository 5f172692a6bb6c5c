"""The alert rules' messages, and who hears them.

An alert (``rules.ThrottlingKind``: near the limit, a 429, a test client carrying production
traffic) goes to every dotted callable in ``USAGE_ALERT_HANDLERS`` as
``handler(client_id=, tenant_id=, kind=, details=)``; ``details`` holds no secret. Alerts fire on
the ERP call path (even from the Redis limiter's sender thread), so a handler must be quick and
must not write business data there: the tenants app's handler queues a Celery task. A failing
handler is logged and never breaks the ERP call. usage knows its handlers only by name.
"""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime
from typing import Any

from django.utils.module_loading import import_string

from erpclient import CallRecord

from . import conf, rules
from .rules import ThrottlingKind, WindowState

logger = logging.getLogger(__name__)


def send_throttling(*, client_id: str, tenant_id: str, kind: str, details: dict[str, Any]) -> None:
    """Tell every handler in ``USAGE_ALERT_HANDLERS`` about one alert."""
    kind = ThrottlingKind(kind)  # an unknown kind is a bug here, not the handlers' problem
    for dotted in conf.get("USAGE_ALERT_HANDLERS"):
        try:
            import_string(dotted)(
                client_id=client_id, tenant_id=tenant_id, kind=kind.value, details=details
            )
        except Exception:
            logger.exception(
                "alert handler %s failed for %s/%s (%s)", dotted, client_id, tenant_id, kind
            )


def _iso(epoch: float | None) -> str | None:
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat() if epoch else None


def details_for(kind: str, call: CallRecord, state: WindowState, limit: int) -> dict[str, Any]:
    limit = rules.effective_limit(state, limit)
    if kind == ThrottlingKind.RATE_LIMITED:
        return {
            "status": call.status,
            "method": call.method,
            "path": call.path_template,
            "retry_after_seconds": call.retry_after,
            "policy": call.ratelimit.policy if call.ratelimit else None,
            "blocked_until": _iso(state.blocked_until),
            "summary": (
                f"The ERP answered 429 Too Many Requests on {call.method} {call.path_template}"
                + (
                    f"; retry after {math.ceil(call.retry_after)} s"
                    if call.retry_after is not None
                    else ""
                )
                + "."
            ),
        }
    return {
        "used": state.used,
        "limit": limit,
        "share": round(state.used / max(limit, 1), 3),
        "erp_remaining": state.erp_remaining,
        "resets_at": _iso(state.window_end),
        "summary": f"{state.used:,} of {limit:,} calls used this hour.",
    }


def fire(call: CallRecord, events: list[str], state: WindowState, limit: int) -> None:
    for kind in events:
        send_throttling(
            client_id=call.client_id,
            tenant_id=call.tenant_id,
            kind=kind,
            details=details_for(kind, call, state, limit),
        )
