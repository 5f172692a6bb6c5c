"""The periodic health sweep: pick the tenants that are due, check them with bounded concurrency.

Each tenant is checked every ``TENANTS_CHECK_INTERVAL_SECONDS``; beat calls ``claim_due`` often
(``TENANTS_SWEEP_TICK_SECONDS``) so the load spreads over the hour and new tenants are checked
soon. A claim moves ``next_check_at`` forward in one UPDATE, so overlapping sweeps never check a
tenant twice. A company whose background budget is spent is skipped, and the timeline says why.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TypeVar

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from usage.recorder import get_recorder
from usage.selectors import budget_state

from .health import check_record_deferred, check_tenant
from .models import CHECKED_STATUSES, CheckRun, CheckTrigger, Tenant

logger = logging.getLogger(__name__)

T = TypeVar("T")


def fan_out(items: Sequence[T], work: Callable[[T], object], *, concurrency: int) -> int:
    """Run ``work`` on every item with at most ``concurrency`` threads; returns how many failed.

    A failing item is logged and counted, never stops the others. Each thread closes its own
    database connections when it is done.
    """
    failures = 0
    lock = threading.Lock()

    def run(item: T) -> None:
        nonlocal failures
        try:
            work(item)
        except Exception:
            logger.exception("sweep work failed for %r", item)
            with lock:
                failures += 1

    if concurrency <= 1 or len(items) <= 1:
        for item in items:
            run(item)
        return failures

    pending: queue.SimpleQueue[T] = queue.SimpleQueue()
    for item in items:
        pending.put(item)

    def worker() -> None:
        try:
            while True:
                try:
                    item = pending.get_nowait()
                except queue.Empty:
                    return
                run(item)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=worker, name=f"tenant-sweep-{n}", daemon=True)
        for n in range(min(concurrency, len(items)))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def claim_due(*, limit: int | None = None) -> list[int]:
    """The pks of tenants due a check, now marked as taken until the next interval."""
    now = timezone.now()
    limit = limit or settings.TENANTS_SWEEP_MAX_PER_TICK
    with transaction.atomic():
        due = list(
            Tenant.objects.filter(status__in=CHECKED_STATUSES)
            .filter(next_check_at__lte=now)
            .order_by("next_check_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        never = []
        if len(due) < limit:
            never = list(
                Tenant.objects.filter(status__in=CHECKED_STATUSES, next_check_at__isnull=True)
                .order_by("pk")
                .values_list("pk", flat=True)[: limit - len(due)]
            )
        pks = due + never
        if pks:
            interval = timedelta(seconds=settings.TENANTS_CHECK_INTERVAL_SECONDS)
            Tenant.objects.filter(pk__in=pks).update(next_check_at=now + interval)
    return pks


def sweep_one(pk: int, *, trigger: str = CheckTrigger.SWEEP) -> CheckRun | None:
    """Check one tenant, unless it left the checked states or its budget says wait."""
    tenant = (
        Tenant.objects.select_related("api_client", "customer")
        .filter(pk=pk, status__in=CHECKED_STATUSES)
        .first()
    )
    if tenant is None:
        return None
    if trigger == CheckTrigger.SWEEP:
        state = budget_state(client_id=tenant.api_client.client_id, tenant_id=tenant.tenant_id)
        if not state.background_allowed:
            return check_record_deferred(
                tenant=tenant, reason=state.reason, retry_at=state.blocked_until or state.resets_at
            )
    return check_tenant(tenant=tenant, trigger=trigger)


def check_many(
    pks: Sequence[int], *, trigger: str = CheckTrigger.SWEEP, concurrency: int | None = None
) -> int:
    """Check these tenants, ``TENANTS_SWEEP_CONCURRENCY`` at a time; returns the failures.

    The usage ledger rows of the whole batch are written together (see usage's recorder)."""
    workers = concurrency or settings.TENANTS_SWEEP_CONCURRENCY
    with get_recorder().batched():
        return fan_out(list(pks), lambda pk: sweep_one(pk, trigger=trigger), concurrency=workers)


def batches(pks: Sequence[int], size: int | None = None) -> list[list[int]]:
    size = size or settings.TENANTS_SWEEP_BATCH_SIZE
    return [list(pks[start : start + size]) for start in range(0, len(pks), size)]
