"""Rate-limit figures the ERP sends on every response, and the ``Retry-After`` of a 429."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# Old KB examples show X-RateLimit-Reset as an epoch; the current docs say "seconds until reset".
# Anything this large cannot be a window length, so it is read as an epoch.
_EPOCH_THRESHOLD = 1_000_000_000


@dataclass(frozen=True, slots=True)
class RateLimitInfo:
    """What the ERP said about the hourly budget of this client and company on one response."""

    limit: int | None
    remaining: int | None
    reset_seconds: float | None
    policy: str | None
    observed_at: datetime

    @property
    def exhausted(self) -> bool:
        return self.remaining is not None and self.remaining <= 0


def _int_or_none(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def _reset_seconds(value: str | None, now: datetime) -> float | None:
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    if number >= _EPOCH_THRESHOLD:
        number = number - now.timestamp()
    return max(number, 0.0)


def parse_ratelimit(
    headers: Mapping[str, str], now: datetime | None = None
) -> RateLimitInfo | None:
    """Read the four ``X-RateLimit-*`` headers (``headers`` answers lower-case names, as
    ``httpx.Headers`` and the client's own header dict do); ``None`` when none are there."""
    limit = headers.get("x-ratelimit-limit")
    remaining = headers.get("x-ratelimit-remaining")
    reset = headers.get("x-ratelimit-reset")
    policy = headers.get("x-ratelimit-policy")
    if limit is None and remaining is None and reset is None and policy is None:
        return None
    observed_at = now or datetime.now(UTC)
    return RateLimitInfo(
        limit=_int_or_none(limit),
        remaining=_int_or_none(remaining),
        reset_seconds=_reset_seconds(reset, observed_at),
        policy=policy.strip() if policy else None,
        observed_at=observed_at,
    )


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date (RFC 9110)."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        return max(float(text), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max((when - current).total_seconds(), 0.0)
