"""The call recorder: erpclient's ``Recorder`` protocol, writing the ledger for every attempt.

It also hands each ERP answer to the shared limiter (``observe``) so the ERP's own
``X-RateLimit-*`` figures correct our count ("the ERP wins"), a 429 holds the company, and the alert
rules fire. ``get_recorder()`` is cheap to call; the instance is cached per process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Protocol

from django.db import transaction

from erpclient import CallRecord

from . import alerts, conf, ledger, registry
from .limiter import SharedLimiter, get_limiter
from .redis_limiter import FLUSH_BATCH, Batch, RedisLimiter, decode, encode

logger = logging.getLogger(__name__)


class UsageRecorder(Protocol):
    def record(self, call: CallRecord) -> None: ...

    def flush(self) -> int: ...

    def batched(self) -> AbstractContextManager[None]: ...


def learn(limiter: SharedLimiter, call: CallRecord) -> None:
    """Feed one ERP answer to the limiter and fire the alert rules it reports."""
    if call.endpoint_family == ledger.CONNECT_FAMILY:
        return
    events = limiter.observe(call)
    if events:
        config = registry.config_for(call.client_id, call.tenant_id)
        state = limiter.state(call.client_id, call.tenant_id)
        alerts.fire(call, events, state, config.limit)


class DatabaseRecorder:
    """Writes each call into the database ledger (the embedded default, no Redis).

    The limiter learns from every answer at once. The ledger rows are written at once too, except
    inside ``batched()`` (a sweep over many tenants): there they are held and written together,
    every ``BATCH_SIZE`` calls and when the last batch closes, so a burst of calls shares one
    transaction instead of taking the database's write lock a few times per call.
    """

    BATCH_SIZE = 500

    def __init__(self, limiter: SharedLimiter) -> None:
        self.limiter = limiter
        self._lock = threading.Lock()
        self._open_batches = 0
        self._held: list[tuple[int, CallRecord]] = []

    def record(self, call: CallRecord) -> None:
        learn(self.limiter, call)
        company_pk = registry.company_pk_for(
            call.client_id,
            call.tenant_id,
            company_id=call.company_id,
            limit=call.ratelimit.limit if call.ratelimit else None,
        )
        with self._lock:
            if not self._open_batches:
                entries = [(company_pk, call)]
            else:
                self._held.append((company_pk, call))
                if len(self._held) < self.BATCH_SIZE:
                    return
                entries, self._held = self._held, []
        ledger.write(entries)

    @contextmanager
    def batched(self) -> Iterator[None]:
        with self._lock:
            self._open_batches += 1
        try:
            yield
        finally:
            with self._lock:
                self._open_batches -= 1
            if not self._open_batches:
                self.flush()

    def flush(self) -> int:
        with self._lock:
            entries, self._held = self._held, []
        if entries:
            ledger.write(entries)
        return len(entries)


class RedisRecorder:
    """Buffers each call in Redis together with the limiter's learning step, riding along with
    the next acquire (a 429 goes at once, see ``usage.redis_limiter``); ``flush`` writes the
    buffer into the database ledger (a beat task every few seconds)."""

    def __init__(self, limiter: RedisLimiter) -> None:
        self.limiter = limiter
        limiter.on_alert = self._alert

    def record(self, call: CallRecord) -> None:
        learn = call.endpoint_family != ledger.CONNECT_FAMILY
        if call.status == 429:
            self.limiter.record_call(call, encode(call), learn=learn)
        else:
            self.limiter.hold(call, encode(call), learn=learn)

    def batched(self) -> AbstractContextManager[None]:
        # Calls already wait in Redis until the beat task writes them.
        return nullcontext()

    def _alert(self, call: CallRecord, events: list[str], state) -> None:
        config = registry.config_for(call.client_id, call.tenant_id)
        alerts.fire(call, events, state, config.limit)

    def flush(self) -> int:
        """Write the buffered calls into the ledger; first any batch a dead flusher left."""
        self.limiter.send_held()
        written = sum(self._write(batch) for batch in self.limiter.orphans())
        while True:
            batch = self.limiter.take(FLUSH_BATCH)
            if batch is None:
                return written
            written += self._write(batch)
            if len(batch.entries) < FLUSH_BATCH:
                return written

    def _write(self, batch: Batch) -> int:
        """Write one batch with its id in one transaction, then drop it from Redis. A batch whose
        id the ledger already has (its flusher died after committing) is only dropped."""
        try:
            with transaction.atomic():
                first_time = ledger.mark_flushed(batch.id)
                if first_time:
                    ledger.write(
                        (
                            registry.company_pk_for(
                                call.client_id,
                                call.tenant_id,
                                company_id=call.company_id,
                                limit=call.ratelimit.limit if call.ratelimit else None,
                            ),
                            call,
                        )
                        for call in map(decode, batch.entries)
                    )
        except Exception:
            # Nothing is lost: the calls go back to the buffer for the next flush.
            self.limiter.give_back(batch)
            raise
        self.limiter.done(batch)
        return len(batch.entries) if first_time else 0


_recorders: dict[str, UsageRecorder] = {}
_lock = threading.Lock()


def get_recorder() -> UsageRecorder:
    """The process's recorder, paired with ``get_limiter()``."""
    url = conf.redis_url()
    recorder = _recorders.get(url)
    if recorder is not None:
        return recorder
    with _lock:
        recorder = _recorders.get(url)
        if recorder is None:
            limiter = get_limiter()
            recorder = (
                RedisRecorder(limiter)
                if isinstance(limiter, RedisLimiter)
                else DatabaseRecorder(limiter)
            )
            _recorders[url] = recorder
    return recorder
