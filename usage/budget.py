"""``BudgetState``: where one company stands this hour, in figures and in one sentence."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from erpclient import Priority
from portal import times

from . import rules
from .registry import CompanyConfig
from .rules import WindowState


@dataclass(frozen=True, slots=True)
class BudgetState:
    used: int
    limit: int
    erp_remaining: int | None
    resets_at: datetime
    blocked_until: datetime | None
    background_allowed: bool
    reason: str
    reserve: float = 0.0

    @property
    def share(self) -> float:
        return self.used / self.limit if self.limit else 0.0

    @property
    def remaining(self) -> int:
        """What is left by our count, or by the ERP's when it reported less."""
        ours = max(self.limit - self.used, 0)
        return min(ours, self.erp_remaining) if self.erp_remaining is not None else ours


def _at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def budget_state_of(state: WindowState, config: CompanyConfig, now: float) -> BudgetState:
    state = rules.current(state, now)
    assert state.window_end is not None
    limit = rules.effective_limit(state, config.limit)
    blocked = state.blocked_until is not None and state.blocked_until > now
    background_cap = rules.lane_cap(limit, config.reserve, Priority.BACKGROUND)
    background_allowed = not blocked and state.used < background_cap
    resets = times.shown(_at(state.window_end), "time")
    if blocked:
        assert state.blocked_until is not None
        reason = (
            f"The ERP answered 429 Too Many Requests; calls are held until "
            f"{times.clock(state.blocked_until)} "
            f"({math.ceil(state.blocked_until - now)} s)."
        )
    elif state.used >= limit:
        reason = f"All {limit:,} calls of this hour are used; the budget resets at {resets}."
    elif not background_allowed:
        reason = (
            f"{state.used:,} of {limit:,} calls used this hour; the last {config.reserve:.0%} is "
            f"kept for staff until {resets}."
        )
    else:
        reason = f"{state.used:,} of {limit:,} calls used this hour; resets at {resets}."
    return BudgetState(
        used=state.used,
        limit=limit,
        erp_remaining=state.erp_remaining,
        resets_at=_at(state.window_end),
        blocked_until=_at(state.blocked_until) if blocked and state.blocked_until else None,
        background_allowed=background_allowed,
        reason=reason,
        reserve=config.reserve,
    )
