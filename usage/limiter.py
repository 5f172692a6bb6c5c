"""The shared budget limiter: erpclient's ``Limiter`` protocol for every process and host.

``get_limiter()`` gives the Redis limiter (one atomic Lua script per call) when ``REDIS_URL`` is
set, the database limiter (one locked row per company) otherwise. Both run the rules of
``usage.rules``: hour windows aligned to the ERP's reset, two lanes with a staff reserve, holding a
company after a 429 until ``Retry-After`` has passed, and "the ERP wins" when it reports fewer
remaining calls than we counted.

The limiter learns from responses through ``observe``, which the recorder calls. It deliberately
has no ``record`` method: the client would then feed it every call a second time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Protocol

from django.db import IntegrityError, transaction

from erpclient import CallRecord, LimitDecision, LimitRequest

from . import conf, registry, rules
from .models import BudgetWindow
from .redis_limiter import RedisLimiter
from .rules import Observation, WindowState

Clock = Callable[[], float]
Key = tuple[str, str]


class SharedLimiter(Protocol):
    def acquire(self, request: LimitRequest) -> LimitDecision: ...

    def observe(self, call: CallRecord) -> list[str]: ...

    def state(self, client_id: str, tenant_id: str) -> WindowState: ...

    def states(self, keys: Iterable[Key]) -> dict[Key, WindowState]: ...

    def window_figures(
        self, keys: Iterable[Key], *, client_id: str | None = None
    ) -> dict[Key, tuple]: ...

    def now(self) -> float: ...


def observation_of(call: CallRecord, now: float) -> Observation:
    return rules.observation_from(
        call.ratelimit, status=call.status, retry_after=call.retry_after, at=now
    )


class DatabaseLimiter:
    """One ``BudgetWindow`` row per (client, tenant), changed under a row lock.

    On PostgreSQL ``SELECT ... FOR UPDATE`` serialises callers per company; on SQLite the
    settings open every transaction with ``BEGIN IMMEDIATE``, which serialises writers.
    Call it outside of other transactions, as the ERP should be called anyway.
    """

    def __init__(self, *, clock: Clock = time.time) -> None:
        self._clock = clock

    def now(self) -> float:
        return self._clock()

    def _locked_row(self, client_id: str, tenant_id: str) -> BudgetWindow:
        rows = BudgetWindow.objects.select_for_update()
        row = rows.filter(client_id=client_id, tenant_id=tenant_id).first()
        if row is not None:
            return row
        try:
            with transaction.atomic():
                return BudgetWindow.objects.create(
                    client_id=client_id,
                    tenant_id=tenant_id,
                    window_end=rules.clock_hour_end(self._clock()),
                )
        except IntegrityError:
            return rows.get(client_id=client_id, tenant_id=tenant_id)

    def acquire(self, request: LimitRequest) -> LimitDecision:
        config = registry.config_for(request.client_id, request.tenant_id)
        with transaction.atomic():
            row = self._locked_row(request.client_id, request.tenant_id)
            before = _state_of(row)
            decision, after = rules.decide(
                before,
                now=self._clock(),
                limit=config.limit,
                reserve=config.reserve,
                priority=request.priority,
            )
            if after != before:
                _save(row, after)
        return decision

    def observe(self, call: CallRecord) -> list[str]:
        config = registry.config_for(call.client_id, call.tenant_id)
        now = self._clock()
        with transaction.atomic():
            row = self._locked_row(call.client_id, call.tenant_id)
            before = _state_of(row)
            after, events = rules.observe(
                before,
                observation_of(call, now),
                now=now,
                limit=config.limit,
                alert_share=conf.get("USAGE_ALERT_SHARE"),
            )
            if after != before:
                _save(row, after)
        return events

    def state(self, client_id: str, tenant_id: str) -> WindowState:
        row = BudgetWindow.objects.filter(client_id=client_id, tenant_id=tenant_id).first()
        return rules.current(_state_of(row) if row else WindowState(), self._clock())

    def states(self, keys: Iterable[Key]) -> dict[Key, WindowState]:
        wanted = set(keys)
        now = self._clock()
        found: dict[Key, WindowState] = {}
        # One query for every window; the caller asks for (nearly) all companies at once.
        for row in BudgetWindow.objects.all().iterator(chunk_size=2000):
            key = (row.client_id, row.tenant_id)
            if key in wanted:
                found[key] = rules.current(_state_of(row), now)
        return {key: found.get(key) or rules.current(WindowState(), now) for key in wanted}

    def window_figures(
        self, keys: Iterable[Key], *, client_id: str | None = None
    ) -> dict[Key, tuple]:
        """(window end, used, ERP limit, ERP remaining, held until) as stored, for many
        companies in one query; windows that have ended are the caller's to roll."""
        rows = BudgetWindow.objects.all()
        if client_id:
            rows = rows.filter(client_id=client_id)
        wanted = set(keys)
        return {
            (row[0], row[1]): row[2:]
            for row in rows.values_list(
                "client_id",
                "tenant_id",
                "window_end",
                "used",
                "erp_limit",
                "erp_remaining",
                "blocked_until",
            ).iterator(chunk_size=5000)
            if (row[0], row[1]) in wanted
        }

    def clear(self, client_id: str, tenant_id: str) -> None:
        BudgetWindow.objects.filter(client_id=client_id, tenant_id=tenant_id).delete()


_FIELDS = (
    "window_end",
    "used",
    "erp_limit",
    "erp_remaining",
    "erp_policy",
    "erp_seen_at",
    "blocked_until",
    "alerted_until",
)


def _state_of(row: BudgetWindow) -> WindowState:
    return WindowState(**{name: getattr(row, name) for name in _FIELDS})


def _save(row: BudgetWindow, state: WindowState) -> None:
    for name in _FIELDS:
        setattr(row, name, getattr(state, name))
    row.save(update_fields=list(_FIELDS))


_limiters: dict[str, SharedLimiter] = {}
_lock = threading.Lock()


def get_limiter() -> SharedLimiter:
    """The process's shared limiter (Redis when a Redis URL is configured, else the database)."""
    url = conf.redis_url()
    limiter = _limiters.get(url)
    if limiter is not None:
        return limiter
    with _lock:
        limiter = _limiters.get(url)
        if limiter is None:
            limiter = _build(url)
            _limiters[url] = limiter
    return limiter


def _build(url: str) -> SharedLimiter:
    if url:
        return RedisLimiter.from_url(url, prefix=conf.get("USAGE_REDIS_PREFIX"))
    return DatabaseLimiter()
