"""The usage dashboard's figures, kept for ``USAGE_DASHBOARD_SNAPSHOT_SECONDS`` per process.

Every open dashboard asks again every few seconds, and the home dashboard's panel shows the same
figures; reading 2,000 companies' windows for each of those requests cost more than the pages
do. A snapshot is one read of every matching company (``overview.company_rows``) with the moment
it was taken, which the pages show ("as of"). Each web process keeps its own: nothing to share,
serialise or invalidate, and no figure is older than the setting.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from . import conf, overview

# Searches are free text: keep at most this many filter combinations per process.
MAX_KEPT = 32


@dataclass(frozen=True)
class Snapshot:
    rows: list[overview.CompanyRow]
    taken_at: datetime
    summary: dict[str, int] = field(default_factory=dict)


_kept: dict[overview.Filters, tuple[float, Snapshot]] = {}
_lock = threading.Lock()
# One read at a time per process: threads that find the snapshot out of date together wait for
# the first one's read instead of each doing it again.
_reading = threading.Lock()


def _key(filters: overview.Filters) -> overview.Filters:
    """Only the filters the database applies choose the companies; the rest narrow per page."""
    return overview.Filters(
        client_id=filters.client_id, test_only=filters.test_only, q=filters.q, sort=""
    )


def current(filters: overview.Filters) -> Snapshot:
    """The matching companies as of at most ``USAGE_DASHBOARD_SNAPSHOT_SECONDS`` ago."""
    key = _key(filters)
    max_age = conf.get("USAGE_DASHBOARD_SNAPSHOT_SECONDS")
    kept = _fresh(key, max_age)
    if kept is not None:
        return kept
    if max_age <= 0:
        return _read(key)
    with _reading:
        kept = _fresh(key, max_age)  # another thread may have read it meanwhile
        if kept is not None:
            return kept
        snapshot = _read(key)
        now = time.monotonic()
        with _lock:
            for stale in [k for k, (at, _) in _kept.items() if now - at >= max_age]:
                del _kept[stale]
            if len(_kept) >= MAX_KEPT:
                _kept.clear()
            _kept[key] = (now, snapshot)
    return snapshot


def _fresh(key: overview.Filters, max_age: float) -> Snapshot | None:
    kept = _kept.get(key)
    if kept is not None and time.monotonic() - kept[0] < max_age:
        return kept[1]
    return None


def _read(key: overview.Filters) -> Snapshot:
    taken_at = datetime.now(UTC)
    rows = overview.company_rows(key, now=taken_at)
    return Snapshot(rows=rows, taken_at=taken_at, summary=overview.summary(rows))


def forget() -> None:
    """Drop every snapshot (tests; a process that must show the figures of this instant)."""
    with _lock:
        _kept.clear()
