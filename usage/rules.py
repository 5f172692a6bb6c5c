"""The budget rules, as pure functions over one window's state (no I/O).

The database limiter runs these in Python; the Redis limiter runs the same rules in Lua
(``usage/lua_scripts.py``), and the tests hold both to the same cases.

Windows are fixed and an hour long. Until the ERP has said when its window resets they are
aligned to the clock hour; after that, to the ERP's ``X-RateLimit-Reset``. When the ERP reports
fewer remaining calls than we counted, the ERP wins (another system may use the same API client).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import StrEnum

from erpclient import LimitDecision, Priority, RateLimitInfo
from portal import times

WINDOW_SECONDS = 3600
# X-RateLimit-Reset comes in whole seconds; a window end this close to ours is the same window.
ALIGN_TOLERANCE_SECONDS = 5.0
# When a 429 carries no Retry-After, calls wait this long before the company is tried again.
DEFAULT_BLOCK_SECONDS = 60.0
# Per-request policies (the same request too often, the same failed request again): their figures
# are not the hourly budget and their 429 does not block the whole company.
REQUEST_POLICIES = frozenset({"samerequestlimit", "clienterrorlimit"})


class ThrottlingKind(StrEnum):
    """The alert rules; the tenants app opens a health issue of the same name for each."""

    NEAR_LIMIT = "near_limit"
    RATE_LIMITED = "rate_limited"
    TEST_CLIENT_HEAVY = "test_client_heavy"


def near_limit(used: int, limit: int, share: float) -> bool:
    """ "Near the limit": ``share`` of the hour's budget used (the Lua copy is in ``learn``)."""
    return used / max(limit, 1) >= share


@dataclass(frozen=True, slots=True)
class WindowState:
    """One (client, tenant) budget window. Times are epoch seconds."""

    window_end: float | None = None
    used: int = 0
    erp_limit: int | None = None
    erp_remaining: int | None = None
    erp_policy: str = ""
    erp_seen_at: float | None = None
    blocked_until: float | None = None
    alerted_until: float | None = None


@dataclass(frozen=True, slots=True)
class Observation:
    """What one recorded call tells the limiter."""

    at: float
    status: int | None
    limit: int | None
    remaining: int | None
    reset_seconds: float | None
    policy: str
    retry_after: float | None


def clock_hour_end(now: float) -> float:
    return (math.floor(now / WINDOW_SECONDS) + 1) * WINDOW_SECONDS


def roll_forward(window_end: float, now: float) -> float:
    """The end of the window holding ``now``, keeping the alignment of ``window_end``."""
    if now < window_end:
        return window_end
    steps = math.floor((now - window_end) / WINDOW_SECONDS) + 1
    return window_end + steps * WINDOW_SECONDS


def lane_cap(limit: int, reserve: float, priority: Priority) -> int:
    """Staff may use the whole hour; background work stops ``reserve`` short of it."""
    if priority is Priority.INTERACTIVE:
        return limit
    return math.floor(limit * (1.0 - reserve))


def is_request_policy(policy: str | None) -> bool:
    return bool(policy) and policy.strip().lower() in REQUEST_POLICIES


def current(state: WindowState, now: float) -> WindowState:
    """The state moved into the window holding ``now`` (a new window starts empty)."""
    if state.window_end is None:
        return replace(state, window_end=clock_hour_end(now), used=0, erp_remaining=None)
    if now >= state.window_end:
        return replace(
            state, window_end=roll_forward(state.window_end, now), used=0, erp_remaining=None
        )
    return state


def effective_limit(state: WindowState, configured: int) -> int:
    # The ERP's own figure beats our configuration (a client registered with the wrong type).
    return state.erp_limit if state.erp_limit is not None else configured


def _clock(at: float) -> str:
    return times.clock(at)


def decide(
    state: WindowState, *, now: float, limit: int, reserve: float, priority: Priority
) -> tuple[LimitDecision, WindowState]:
    """May one more call go now? Counts it when it may."""
    if state.blocked_until is not None and now < state.blocked_until:
        wait = state.blocked_until - now
        return (
            LimitDecision.wait(
                wait,
                f"the ERP answered 429 Too Many Requests; calls for this company are held "
                f"until {_clock(state.blocked_until)} ({math.ceil(wait)} s)",
            ),
            state,
        )
    state = current(state, now)
    assert state.window_end is not None
    limit = effective_limit(state, limit)
    cap = lane_cap(limit, reserve, priority)
    if state.used >= cap:
        wait = state.window_end - now
        if priority is Priority.INTERACTIVE or cap >= limit:
            reason = (
                f"all {limit:,} calls of this hour are used; the budget resets at "
                f"{_clock(state.window_end)}"
            )
        else:
            reason = (
                f"{state.used:,} of {limit:,} calls used this hour; the last {reserve:.0%} is kept "
                f"for staff until {_clock(state.window_end)}"
            )
        return LimitDecision.wait(wait, reason), state
    return LimitDecision.go(), replace(state, used=state.used + 1)


def observe(
    state: WindowState, obs: Observation, *, now: float, limit: int, alert_share: float
) -> tuple[WindowState, list[str]]:
    """Learn from one response: align the window, let the ERP win, block after a 429, and say
    which alert rules fired (each at most once per window or block)."""
    events: list[str] = []
    state = current(state, now)
    request_policy = is_request_policy(obs.policy)
    if obs.remaining is not None and obs.limit is not None and not request_policy:
        erp_end = obs.at + obs.reset_seconds if obs.reset_seconds is not None else None
        # A late answer from an earlier window says nothing about this one.
        if erp_end is None or erp_end > now:
            if erp_end is not None and abs(erp_end - (state.window_end or 0.0)) > (
                ALIGN_TOLERANCE_SECONDS
            ):
                state = replace(state, window_end=erp_end, used=0)
            erp_used = max(obs.limit - obs.remaining, 0)
            newer = state.erp_seen_at is None or obs.at >= state.erp_seen_at
            state = replace(
                state,
                used=max(state.used, erp_used),
                erp_limit=obs.limit,
                erp_remaining=obs.remaining if newer else state.erp_remaining,
                erp_policy=obs.policy if newer else state.erp_policy,
                erp_seen_at=obs.at if newer else state.erp_seen_at,
            )
    if obs.status == 429:
        if request_policy:
            events.append(ThrottlingKind.RATE_LIMITED)
        else:
            wait = obs.retry_after if obs.retry_after is not None else DEFAULT_BLOCK_SECONDS
            until = obs.at + wait
            already = state.blocked_until is not None and state.blocked_until > now
            if not already:
                events.append(ThrottlingKind.RATE_LIMITED)
            state = replace(state, blocked_until=max(until, state.blocked_until or 0.0))
    assert state.window_end is not None
    near = near_limit(state.used, effective_limit(state, limit), alert_share)
    if near and (state.alerted_until or 0.0) < state.window_end:
        events.append(ThrottlingKind.NEAR_LIMIT)
        state = replace(state, alerted_until=state.window_end)
    return state, events


def observation_from(
    info: RateLimitInfo | None, *, status: int | None, retry_after: float | None, at: float
) -> Observation:
    return Observation(
        at=at if info is None else info.observed_at.timestamp(),
        status=status,
        limit=info.limit if info else None,
        remaining=info.remaining if info else None,
        reset_seconds=info.reset_seconds if info else None,
        policy=(info.policy or "") if info else "",
        retry_after=retry_after,
    )
