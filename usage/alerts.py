"""The alert rules' messages: what each throttling signal says, built from what was seen."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from erpclient import CallRecord

from . import rules
from .rules import WindowState
from .signals import send_throttling


def _iso(epoch: float | None) -> str | None:
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat() if epoch else None


def details_for(kind: str, call: CallRecord, state: WindowState, limit: int) -> dict[str, Any]:
    limit = rules.effective_limit(state, limit)
    if kind == rules.RATE_LIMITED:
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
        "summary": f"{state.used} of {limit} calls used this hour.",
    }


def fire(call: CallRecord, events: list[str], state: WindowState, limit: int) -> None:
    for kind in events:
        send_throttling(
            client_id=call.client_id,
            tenant_id=call.tenant_id,
            kind=kind,
            details=details_for(kind, call, state, limit),
        )
