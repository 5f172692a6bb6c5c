"""The limiter and the call buffer on Redis: one round trip per ERP call.

Shared by every process and host that points at the same Redis. The Lua scripts run the rules of
``usage.rules`` (the tests hold both to the same cases).

A recorded call is kept in this process until its next round trip to Redis: the next ``acquire``
carries it along (it is learned from, atomically, before the new call is decided), so each ERP
call costs one round trip, not two. A 429 does not wait: it is sent at once, so the company is
held before anyone asks again. A process that goes quiet sends what it holds within
``IDLE_SEND_SECONDS`` from a small background thread. In Redis, recorded calls wait in a list
until ``flush`` (a Celery beat task every few seconds) writes them into the database ledger; a
flusher that dies mid-way loses nothing (see "the ledger buffer" below).
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import redis
from django.db import connections
from redis.commands.core import Script
from redis.exceptions import NoScriptError

from erpclient import CallRecord, LimitDecision, LimitRequest, Priority, RateLimitInfo

from . import conf, lua_scripts, registry, rules
from .rules import WindowState

logger = logging.getLogger(__name__)

Key = tuple[str, str]
# How many buffered calls Redis keeps if nothing flushes them (the oldest go first).
BUFFER_CAP = 200_000
FLUSH_BATCH = 2_000
# A flush that has held a batch this long is dead (the flush task's hard time limit is shorter).
FLUSH_LEASE_SECONDS = 300


@dataclass(frozen=True)
class Batch:
    """Buffered calls one flush took, under an id the database records with them."""

    id: str
    entries: list[bytes]


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


_DEFAULT_BLOCK = repr(rules.DEFAULT_BLOCK_SECONDS)
_TOLERANCE = repr(rules.ALIGN_TOLERANCE_SECONDS)


IDLE_SEND_SECONDS = 0.02


@dataclass(frozen=True, slots=True)
class Recorded:
    """One call waiting for this process's next round trip to Redis."""

    call: CallRecord
    key: str
    entry: str
    learn: bool
    packed: str


Alert = Callable[[CallRecord, list[str], WindowState], None]


def _fired(items: list[Recorded], answer: list) -> list[tuple[CallRecord, list[str], WindowState]]:
    fired = []
    for row in answer or []:
        split = row.index(b"|")
        events = [event.decode() for event in row[1:split]]
        fired.append((items[int(row[0])].call, events, state_from(row[split + 1 :])))
    return fired


class _IdleSender:
    """Sends what a quiet process still holds, ``IDLE_SEND_SECONDS`` after the last record.
    One thread per process, started on first use (and again in a forked child)."""

    def __init__(self, send: Callable[[], None]) -> None:
        self._send = send
        self._pid: int | None = None
        self._due = False
        self._condition = threading.Condition()
        self._thread: threading.Thread | None = None

    def nudge(self) -> None:
        if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
            self._start()
        with self._condition:
            self._due = True
            self._condition.notify()

    def _start(self) -> None:
        self._condition = threading.Condition()
        self._due = False
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name="usage-idle-sender", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        condition = self._condition
        while True:
            with condition:
                while not self._due:
                    condition.wait()
                self._due = False
            time.sleep(IDLE_SEND_SECONDS)
            try:
                self._send()
            except Exception:
                logger.exception("usage: could not send recorded calls to Redis")
            finally:
                # Alert handlers may have used the database from this thread; let go of it.
                connections.close_all()


class RedisLimiter:
    def __init__(self, client: redis.Redis, *, prefix: str = "usage:", clock=time.time) -> None:
        self.redis = client
        self.prefix = prefix
        self._clock = clock
        self._acquire = client.register_script(lua_scripts.ACQUIRE)
        self._record = client.register_script(lua_scripts.RECORD)
        self.buffer_key = f"{prefix}buffer"
        self.batches_key = f"{prefix}flushing"
        self._take = client.register_script(lua_scripts.TAKE)
        self._reclaim = client.register_script(lua_scripts.RECLAIM)
        self._give_back = client.register_script(lua_scripts.GIVE_BACK)
        # Told about every alert rule that fires (the recorder hands them to usage.alerts).
        self.on_alert: Alert | None = None
        self._held: list[Recorded] = []
        self._held_pid = os.getpid()
        self._lock = threading.Lock()
        self._idle = _IdleSender(self.send_held)
        atexit.register(self._send_at_exit)

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "usage:", clock=time.time) -> RedisLimiter:
        client = redis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)
        return cls(client, prefix=prefix, clock=clock)

    def now(self) -> float:
        return self._clock()

    def key(self, client_id: str, tenant_id: str) -> str:
        return f"{self.prefix}w:{client_id}|{tenant_id}"

    def _run(self, script: Script, keys: list, args: list) -> Any:
        # EVALSHA straight away (the cheapest path); the wrapper loads the script if Redis lost it.
        try:
            return self.redis.evalsha(script.sha, len(keys), *keys, *args)
        except NoScriptError:
            return script(keys=keys, args=args)

    # --- calls held until the next round trip ---------------------------------------------------

    def _take_held(self) -> list[Recorded]:
        with self._lock:
            if self._held_pid != os.getpid():
                # A forked child does not send its parent's calls (the parent does).
                self._held, self._held_pid = [], os.getpid()
            held, self._held = self._held, []
        return held

    def _give_back(self, held: list[Recorded]) -> None:
        with self._lock:
            self._held[:0] = held

    def _recorded_args(self, held: list[Recorded], keys: list, args: list) -> None:
        args.append(len(held))
        for item in held:
            keys.append(item.key)
            args.extend((item.entry, "1" if item.learn else "0", item.packed))

    def _alert(self, fired: list[tuple[CallRecord, list[str], WindowState]]) -> None:
        if self.on_alert is None:
            return
        for call, events, state in fired:
            self.on_alert(call, events, state)

    def hold(self, call: CallRecord, entry: str, *, learn: bool) -> None:
        """Keep a recorded call for this process's next round trip (see the module doc)."""
        item = Recorded(
            call, self.key(call.client_id, call.tenant_id), entry, learn, _pack(call, self._clock())
        )
        with self._lock:
            if self._held_pid != os.getpid():
                self._held, self._held_pid = [], os.getpid()
            self._held.append(item)
        self._idle.nudge()

    def send_held(self) -> list[tuple[CallRecord, list[str], WindowState]]:
        """Send every held call now (a flush, a read, an idle process, exit)."""
        held = self._take_held()
        if not held:
            return []
        return self._send(held)

    def _send(self, items: list[Recorded]) -> list[tuple[CallRecord, list[str], WindowState]]:
        keys: list = [self.buffer_key]
        args: list = [repr(self._clock()), BUFFER_CAP]
        self._recorded_args(items, keys, args)
        try:
            answer = self._run(self._record, keys, args)
        except Exception:
            self._give_back([item for item in items if item.entry])
            raise
        fired = _fired(items, answer)
        self._alert(fired)
        return fired

    def _send_at_exit(self) -> None:
        try:
            self.send_held()
        except Exception:
            logger.exception("usage: recorded calls lost at exit")

    # --- erpclient's Limiter protocol ---------------------------------------------------------

    def acquire(self, request: LimitRequest) -> LimitDecision:
        config = registry.config_for(request.client_id, request.tenant_id)
        now = self._clock()
        held = self._take_held()
        keys = [self.key(request.client_id, request.tenant_id), self.buffer_key]
        args: list = [
            repr(now),
            config.limit,
            repr(config.reserve),
            "1" if request.priority is Priority.BACKGROUND else "0",
            BUFFER_CAP,
        ]
        self._recorded_args(held, keys, args)
        try:
            decision, fired = self._run(self._acquire, keys, args)
        except Exception:
            self._give_back(held)
            raise
        if fired:
            self._alert(_fired(held, fired))
        if decision[0] == 1:
            return LimitDecision.go()
        # Held: the Python rules explain why from the same state, in the same words.
        decision, _ = rules.decide(
            state_from(decision[1:]),
            now=now,
            limit=config.limit,
            reserve=config.reserve,
            priority=request.priority,
        )
        return decision

    # --- learning from answers now ----------------------------------------------------------

    def record_call(self, call: CallRecord, entry: str, *, learn: bool) -> list[str]:
        """Buffer the call and learn from it now, with anything held before it (a 429 must hold
        the company before the next call). Returns the alert rules this call fired."""
        item = Recorded(
            call, self.key(call.client_id, call.tenant_id), entry, learn, _pack(call, self._clock())
        )
        fired = self._send([*self._take_held(), item])
        return [event for fired_call, events, _ in fired if fired_call is call for event in events]

    def observe(self, call: CallRecord) -> list[str]:
        # The shared limiter protocol's way in (learning only; the recorder also buffers).
        return self.record_call(call, "", learn=True)

    # --- reading ----------------------------------------------------------------------------

    def state(self, client_id: str, tenant_id: str) -> WindowState:
        self.send_held()  # this process's own recent calls count too
        values = self.redis.hmget(self.key(client_id, tenant_id), _FIELDS)
        return rules.current(state_from(values), self._clock())

    def states(self, keys: Iterable[Key]) -> dict[Key, WindowState]:
        self.send_held()
        keys = list(keys)
        pipe = self.redis.pipeline(transaction=False)
        for client_id, tenant_id in keys:
            pipe.hmget(self.key(client_id, tenant_id), _FIELDS)
        now = self._clock()
        return {
            key: rules.current(state_from(values), now)
            for key, values in zip(keys, pipe.execute(), strict=True)
        }

    def window_figures(
        self, keys: Iterable[Key], *, client_id: str | None = None
    ) -> dict[Key, tuple]:
        """(window end, used, ERP limit, ERP remaining, held until) as stored, in one pipeline."""
        self.send_held()
        keys = list(keys)
        pipe = self.redis.pipeline(transaction=False)
        for key_client, tenant_id in keys:
            pipe.hmget(self.key(key_client, tenant_id), ("e", "u", "l", "r", "b"))
        figures = {}
        for key, (e, u, lim, rem, blocked) in zip(keys, pipe.execute(), strict=True):
            if e is not None:
                figures[key] = (_number(e), _int(u) or 0, _int(lim), _int(rem), _number(blocked))
        return figures

    def clear(self, client_id: str, tenant_id: str) -> None:
        self.redis.delete(self.key(client_id, tenant_id))

    # --- the ledger buffer ------------------------------------------------------------------
    # A flush moves a batch out of the buffer into a list of its own in one atomic step, and
    # drops that list only after the database committed the batch (with the batch's id, so no
    # batch is written twice). A batch whose flusher died keeps waiting there; a later flush
    # takes it over once FLUSH_LEASE_SECONDS have passed since it was taken.

    def _batch_key(self, batch_id: str) -> str:
        return f"{self.batches_key}:{batch_id}"

    def take(self, count: int = FLUSH_BATCH) -> Batch | None:
        batch_id = uuid.uuid4().hex
        keys = [self.buffer_key, self._batch_key(batch_id), self.batches_key]
        entries = self._run(self._take, keys, [count, batch_id, repr(self._clock())])
        return Batch(batch_id, list(entries)) if entries else None

    def orphans(self, limit: int = 10) -> list[Batch]:
        """Batches taken more than FLUSH_LEASE_SECONDS ago and never finished, now ours."""
        now = self._clock()
        args = [repr(now - FLUSH_LEASE_SECONDS), repr(now), f"{self.batches_key}:", limit]
        found = self._run(self._reclaim, [self.batches_key], args)
        return [Batch(batch_id.decode(), list(entries)) for batch_id, entries in found]

    def done(self, batch: Batch) -> None:
        pipe = self.redis.pipeline(transaction=True)
        pipe.delete(self._batch_key(batch.id))
        pipe.zrem(self.batches_key, batch.id)
        pipe.execute()

    def give_back(self, batch: Batch) -> None:
        keys = [self.buffer_key, self._batch_key(batch.id), self.batches_key]
        self._run(self._give_back, keys, [batch.id])

    def buffered(self) -> int:
        return int(self.redis.llen(self.buffer_key))

    def in_flight(self) -> int:
        """Calls in batches taken and not yet done (a flush running, or one that died)."""
        ids = [batch_id.decode() for batch_id in self.redis.zrange(self.batches_key, 0, -1)]
        return sum(int(self.redis.llen(self._batch_key(batch_id))) for batch_id in ids)


def _pack(call: CallRecord, now: float) -> str:
    """The call's fields for the Lua ``learn`` function, in one newline-joined argument."""
    config = registry.config_for(call.client_id, call.tenant_id)
    info = call.ratelimit
    return "\n".join(
        (
            str(config.limit),
            repr(conf.get("USAGE_ALERT_SHARE")),
            repr(info.observed_at.timestamp() if info else now),
            _arg(call.status),
            _arg(info.limit if info else None),
            _arg(info.remaining if info else None),
            _arg(info.reset_seconds if info else None),
            "1" if info and rules.is_request_policy(info.policy) else "0",
            _arg(call.retry_after),
            _DEFAULT_BLOCK,
            _TOLERANCE,
            (info.policy or "").replace("\n", " ") if info else "",
        )
    )


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
