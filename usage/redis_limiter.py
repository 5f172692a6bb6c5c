"""The limiter and the call buffer on Redis: one Lua script per acquire, one per record.

Shared by every process and host that points at the same Redis. The scripts run the rules of
``usage.rules`` (the tests hold both to the same cases). Recorded calls wait in a Redis list until
``flush`` (a Celery beat task every few seconds) writes them into the database ledger, so
recording costs one round trip and no database write.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import redis

from erpclient import CallRecord, LimitDecision, LimitRequest, Priority, RateLimitInfo

from . import conf, lua_scripts, registry, rules
from .rules import WindowState

logger = logging.getLogger(__name__)

Key = tuple[str, str]
# How many buffered calls Redis keeps if nothing flushes them (the oldest go first).
BUFFER_CAP = 200_000
FLUSH_BATCH = 2_000
_FIELDS = ("e", "u", "l", "r", "p", "s", "b", "a")


def _number(value: Any) -> float | None:
    if value is None or value is False or value == b"" or value == "":
        return None
    return float(value)


def _int(value: Any) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def state_from(values: list[Any]) -> WindowState:
    e, u, lim, rem, policy, seen, blocked, alerted = (list(values) + [None] * 8)[:8]
    return WindowState(
        window_end=_number(e),
        used=_int(u) or 0,
        erp_limit=_int(lim),
        erp_remaining=_int(rem),
        erp_policy=(policy.decode() if isinstance(policy, bytes) else policy) or "",
        erp_seen_at=_number(seen),
        blocked_until=_number(blocked),
        alerted_until=_number(alerted),
    )


def _arg(value: float | int | None) -> str:
    return "" if value is None else repr(value)


class RedisLimiter:
    def __init__(self, client: redis.Redis, *, prefix: str = "usage:", clock=time.time) -> None:
        self.redis = client
        self.prefix = prefix
        self._clock = clock
        self._acquire = client.register_script(lua_scripts.ACQUIRE)
        self._record = client.register_script(lua_scripts.RECORD)
        self.buffer_key = f"{prefix}buffer"

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "usage:", clock=time.time) -> RedisLimiter:
        client = redis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)
        return cls(client, prefix=prefix, clock=clock)

    def now(self) -> float:
        return self._clock()

    def key(self, client_id: str, tenant_id: str) -> str:
        return f"{self.prefix}w:{client_id}|{tenant_id}"

    # --- erpclient's Limiter protocol ---------------------------------------------------------

    def acquire(self, request: LimitRequest) -> LimitDecision:
        config = registry.config_for(request.client_id, request.tenant_id)
        now = self._clock()
        answer = self._acquire(
            keys=[self.key(request.client_id, request.tenant_id)],
            args=[
                repr(now),
                config.limit,
                repr(config.reserve),
                "1" if request.priority is Priority.BACKGROUND else "0",
            ],
        )
        if answer[0] == 1:
            return LimitDecision.go()
        # Held: the Python rules explain why from the same state, in the same words.
        decision, _ = rules.decide(
            state_from(answer[1:]),
            now=now,
            limit=config.limit,
            reserve=config.reserve,
            priority=request.priority,
        )
        return decision

    # --- learning from answers (called by the recorder) ---------------------------------------

    def record_call(
        self, call: CallRecord, entry: str, *, learn: bool
    ) -> tuple[list[str], WindowState]:
        """Buffer the call for the ledger and, for ERP calls, learn from its answer. One round
        trip. Returns the alert rules that fired and the window state after."""
        config = registry.config_for(call.client_id, call.tenant_id)
        now = self._clock()
        obs = rules.observation_from(
            call.ratelimit, status=call.status, retry_after=call.retry_after, at=now
        )
        answer = self._record(
            keys=[self.key(call.client_id, call.tenant_id), self.buffer_key],
            args=[
                entry,
                BUFFER_CAP,
                "1" if learn else "0",
                repr(now),
                config.limit,
                repr(conf.get("USAGE_ALERT_SHARE")),
                repr(obs.at),
                _arg(obs.status),
                _arg(obs.limit),
                _arg(obs.remaining),
                _arg(obs.reset_seconds),
                obs.policy,
                "1" if rules.is_request_policy(obs.policy) else "0",
                _arg(obs.retry_after),
                repr(rules.DEFAULT_BLOCK_SECONDS),
                repr(rules.ALIGN_TOLERANCE_SECONDS),
            ],
        )
        split = answer.index(b"|")
        events = [event.decode() for event in answer[:split]]
        return events, state_from(answer[split + 1 :])

    def observe(self, call: CallRecord) -> list[str]:
        # The limiter protocol's way in; the Redis recorder uses ``record`` to also buffer.
        events, _ = self.record_call(call, "", learn=True)
        return events

    # --- reading ----------------------------------------------------------------------------

    def state(self, client_id: str, tenant_id: str) -> WindowState:
        values = self.redis.hmget(self.key(client_id, tenant_id), _FIELDS)
        return rules.current(state_from(values), self._clock())

    def states(self, keys: Iterable[Key]) -> dict[Key, WindowState]:
        keys = list(keys)
        pipe = self.redis.pipeline(transaction=False)
        for client_id, tenant_id in keys:
            pipe.hmget(self.key(client_id, tenant_id), _FIELDS)
        now = self._clock()
        return {
            key: rules.current(state_from(values), now)
            for key, values in zip(keys, pipe.execute(), strict=True)
        }

    def clear(self, client_id: str, tenant_id: str) -> None:
        self.redis.delete(self.key(client_id, tenant_id))

    # --- the ledger buffer ------------------------------------------------------------------

    def take(self, count: int = FLUSH_BATCH) -> list[bytes]:
        return self.redis.lpop(self.buffer_key, count) or []

    def give_back(self, entries: list[bytes]) -> None:
        if entries:
            self.redis.lpush(self.buffer_key, *reversed(entries))

    def buffered(self) -> int:
        return int(self.redis.llen(self.buffer_key))


# --- the buffered call, as compact JSON ------------------------------------------------------


def encode(call: CallRecord) -> str:
    info = call.ratelimit
    return json.dumps(
        [
            call.tenant_id,
            call.client_id,
            call.company_id,
            call.priority.value,
            call.method,
            call.path_template,
            call.endpoint_family,
            call.status,
            round(call.duration_ms, 3),
            call.fault_code,
            call.error_kind,
            [
                info.limit,
                info.remaining,
                info.reset_seconds,
                info.policy,
                info.observed_at.isoformat(),
            ]
            if info
            else None,
            call.retry_after,
            call.request_id,
            call.attempt,
            call.started_at.isoformat(),
        ],
        separators=(",", ":"),
    )


def decode(entry: bytes | str) -> CallRecord:
    (
        tenant_id,
        client_id,
        company_id,
        priority,
        method,
        path_template,
        family,
        status,
        duration_ms,
        fault_code,
        error_kind,
        info,
        retry_after,
        request_id,
        attempt,
        started_at,
    ) = json.loads(entry)
    ratelimit = (
        RateLimitInfo(
            limit=info[0],
            remaining=info[1],
            reset_seconds=info[2],
            policy=info[3],
            observed_at=datetime.fromisoformat(info[4]),
        )
        if info
        else None
    )
    return CallRecord(
        tenant_id=tenant_id,
        client_id=client_id,
        company_id=company_id,
        priority=Priority(priority),
        method=method,
        path_template=path_template,
        endpoint_family=family,
        status=status,
        duration_ms=duration_ms,
        fault_code=fault_code,
        error_kind=error_kind,
        ratelimit=ratelimit,
        retry_after=retry_after,
        request_id=request_id,
        attempt=attempt,
        started_at=datetime.fromisoformat(started_at),
    )
