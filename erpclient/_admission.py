"""Turn the repeat guard's and the limiter's answers into "go", "sleep n" or an error."""

from __future__ import annotations

from typing import Any

from . import errors
from ._core import Prepared
from .budget import LimitAction, LimitDecision
from .repeat_guard import RepeatVerdict

# A limiter that keeps answering "wait" is asked at most this often before the call is held.
MAX_LIMITER_ROUNDS = 5


def _where(prepared: Prepared[Any]) -> dict[str, Any]:
    return {"method": prepared.op.method, "path": prepared.op.path}


def repeat_step(verdict: RepeatVerdict | None, cap: float, prepared: Prepared[Any]) -> float:
    """Seconds to sleep before sending (0: go now); raises when the request must not be sent."""
    if verdict is None:
        return 0.0
    if verdict.refused or verdict.wait_seconds > cap:
        raise errors.RepeatedRequestRefused(
            f"not sent: {verdict.reason}",
            reason=verdict.reason,
            wait_seconds=verdict.wait_seconds,
            **_where(prepared),
        )
    return verdict.wait_seconds


def limiter_step(
    decision: LimitDecision, waited: float, rounds: int, cap: float, prepared: Prepared[Any]
) -> float | None:
    """``None`` to go now, else seconds to sleep before asking again; raises to stop the call."""
    if decision.action is LimitAction.GO:
        return None
    if decision.action is LimitAction.REFUSE:
        raise errors.BudgetRefused(
            f"refused by the budget limiter: {decision.reason}",
            reason=decision.reason,
            **_where(prepared),
        )
    wait = decision.wait_seconds
    if waited + wait > cap or rounds >= MAX_LIMITER_ROUNDS:
        raise errors.BudgetHeld(
            f"held by the budget limiter for {wait:g} s: {decision.reason}",
            reason=decision.reason,
            wait_seconds=wait,
            **_where(prepared),
        )
    return wait
