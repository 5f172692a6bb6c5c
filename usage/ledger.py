"""Writing calls into the ledger: the raw call log, the hourly rollups and the running totals.

Both recorders end here: the database recorder for every call, the Redis recorder in batches
when it flushes its buffer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.db.models import F

from erpclient import TOKEN_FAMILY, CallRecord

from .models import CallLog, HourlyFamilyUsage, HourlyUsage, LedgerFlush, MeteredCompany

# Visma Connect token calls are recorded under erpclient's family name, but they are not ERP
# calls and use no ERP budget.
CONNECT_FAMILY = TOKEN_FAMILY
STATUS_CLASSES = ("2xx", "3xx", "4xx", "5xx", "none")


def status_class(status: int | None) -> str:
    if status is None or status < 200 or status >= 600:
        return "none"
    return f"{status // 100}xx"


def hour_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


@dataclass(slots=True)
class HourCounts:
    """Increments for one company's hour, summed over any number of calls."""

    calls: int = 0
    status_2xx: int = 0
    status_3xx: int = 0
    status_4xx: int = 0
    status_5xx: int = 0
    no_response: int = 0
    rate_limited: int = 0
    interactive: int = 0
    background: int = 0
    duration_ms_total: float = 0.0
    last: tuple | None = None  # (seen_at, limit, remaining, reset_at, policy)
    families: dict[str, list[int]] = field(default_factory=dict)  # family -> [calls, errors, 429]

    def add(self, call: CallRecord) -> None:
        family = self.families.setdefault(call.endpoint_family, [0, 0, 0])
        family[0] += 1
        family[1] += int(call.status is None or call.status >= 400)
        family[2] += int(call.status == 429)
        if call.endpoint_family == CONNECT_FAMILY:
            return
        self.calls += 1
        klass = status_class(call.status)
        if klass == "none":
            self.no_response += 1
        else:
            setattr(self, f"status_{klass}", getattr(self, f"status_{klass}") + 1)
        self.rate_limited += int(call.status == 429)
        if call.priority.value == "background":
            self.background += 1
        else:
            self.interactive += 1
        self.duration_ms_total += call.duration_ms
        info = call.ratelimit
        if info is not None and (self.last is None or info.observed_at >= self.last[0]):
            reset_at = (
                datetime.fromtimestamp(info.observed_at.timestamp() + info.reset_seconds, tz=UTC)
                if info.reset_seconds is not None
                else None
            )
            self.last = (info.observed_at, info.limit, info.remaining, reset_at, info.policy or "")


def call_log_row(company_pk: int, call: CallRecord) -> CallLog:
    info = call.ratelimit
    return CallLog(
        company_id=company_pk,
        started_at=call.started_at,
        method=call.method,
        path_template=call.path_template[:300],
        family=call.endpoint_family[:60],
        priority=call.priority.value,
        status=call.status,
        duration_ms=call.duration_ms,
        attempt=call.attempt,
        fault_code=(call.fault_code or "")[:40],
        error_kind=(call.error_kind or "")[:60],
        retry_after=call.retry_after,
        request_id=(call.request_id or "")[:120],
        ratelimit_limit=info.limit if info else None,
        ratelimit_remaining=info.remaining if info else None,
        ratelimit_policy=(info.policy or "")[:60] if info else "",
    )


def _upsert(model, keys: dict, increments: dict, assign: dict) -> None:
    """Add ``increments`` to the row at ``keys`` (creating it), and set ``assign``; portable
    across PostgreSQL and SQLite, safe under concurrent writers (update, else insert, else
    update again)."""
    changes = {name: F(name) + value for name, value in increments.items() if value}
    changes.update(assign)
    if not changes:
        return
    if model.objects.filter(**keys).update(**changes):
        return
    try:
        with transaction.atomic():
            model.objects.create(**keys, **increments, **assign)
    except IntegrityError:
        model.objects.filter(**keys).update(**changes)


def apply_hour(company_pk: int, hour: datetime, counts: HourCounts) -> None:
    if counts.calls:
        assign = {}
        if counts.last is not None:
            seen_at, limit, remaining, reset_at, policy = counts.last
            assign = {
                "last_seen_at": seen_at,
                "last_limit": limit,
                "last_remaining": remaining,
                "last_reset_at": reset_at,
                "last_policy": policy[:60],
            }
        _upsert(
            HourlyUsage,
            {"company_id": company_pk, "hour": hour},
            {
                "calls": counts.calls,
                "status_2xx": counts.status_2xx,
                "status_3xx": counts.status_3xx,
                "status_4xx": counts.status_4xx,
                "status_5xx": counts.status_5xx,
                "no_response": counts.no_response,
                "rate_limited": counts.rate_limited,
                "interactive": counts.interactive,
                "background": counts.background,
                "duration_ms_total": counts.duration_ms_total,
            },
            assign,
        )
        MeteredCompany.objects.filter(pk=company_pk).update(
            total_calls=F("total_calls") + counts.calls,
            total_2xx=F("total_2xx") + counts.status_2xx,
            total_3xx=F("total_3xx") + counts.status_3xx,
            total_4xx=F("total_4xx") + counts.status_4xx,
            total_5xx=F("total_5xx") + counts.status_5xx,
            total_no_response=F("total_no_response") + counts.no_response,
            total_429=F("total_429") + counts.rate_limited,
        )
    for family, (calls, errors, limited) in counts.families.items():
        _upsert(
            HourlyFamilyUsage,
            {"company_id": company_pk, "hour": hour, "family": family[:60]},
            {"calls": calls, "errors": errors, "rate_limited": limited},
            {},
        )


def write(entries: Iterable[tuple[int, CallRecord]]) -> int:
    """Write calls (each with its company's pk) into the log and the rollups, in one transaction."""
    rows: list[CallLog] = []
    hours: dict[tuple[int, datetime], HourCounts] = {}
    for company_pk, call in entries:
        rows.append(call_log_row(company_pk, call))
        hours.setdefault((company_pk, hour_of(call.started_at)), HourCounts()).add(call)
    if not rows:
        return 0
    with transaction.atomic():
        CallLog.objects.bulk_create(rows, batch_size=1000)
        for (company_pk, hour), counts in sorted(hours.items()):
            apply_hour(company_pk, hour, counts)
    return len(rows)


def mark_flushed(batch_id: str) -> bool:
    """Record that the Redis batch ``batch_id`` is being written, inside the caller's transaction;
    False if an earlier flush already wrote it."""
    _, created = LedgerFlush.objects.get_or_create(batch_id=batch_id)
    return created
