"""The periodic health sweep: pick the tenants that are due, check them with bounded concurrency.

Each tenant is checked every ``TENANTS_CHECK_INTERVAL_SECONDS``; beat calls ``claim`` often
(``TENANTS_SWEEP_TICK_SECONDS``) so the load spreads over the hour and new tenants are checked
soon. A company whose background budget is spent is skipped, and the timeline says why.

A claim is a lease, not the next check: it moves ``next_check_at`` only
``TENANTS_SWEEP_LEASE_SECONDS`` ahead, and that moment is the claim's token, carried by the
batch's message. Before checking a tenant, the worker takes it with a conditional UPDATE (does
this token still hold it? then lease it again for the length of one check); finishing the check
sets the real next check. So:

- a worker killed mid-batch, or a message lost, leaves its tenants due again when the lease ends;
- a message delivered again, or one that waited in the queue past its lease while the tenants
  were claimed anew, finds the token changed and checks nothing twice;
- overlapping sweeps can claim a tenant twice, but only the newest claim can take it.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil
from typing import TypeVar

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from usage import registry
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


@dataclass(frozen=True)
class Claim:
    pks: list[int]
    # The lease's end, written into each claimed tenant's next_check_at: the claim's token.
    until: datetime | None


def lease_seconds() -> int:
    return settings.TENANTS_SWEEP_LEASE_SECONDS


def claim_due(*, limit: int | None = None, now: datetime | None = None) -> list[int]:
    """The pks of tenants due a check, now leased to this sweep (see the module doc)."""
    return claim(limit=limit, now=now).pks


def claim(*, limit: int | None = None, now: datetime | None = None) -> Claim:
    """Lease the tenants due a check (oldest first, then those never checked)."""
    now = now or timezone.now()
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
        if not pks:
            return Claim([], None)
        until = now + timedelta(seconds=lease_seconds())
        Tenant.objects.filter(pk__in=pks).update(next_check_at=until)
    return Claim(pks, until)


def take(pk: int, lease: datetime) -> bool:
    """Take one claimed tenant for checking, if the claim ``lease`` still holds it and it is
    still in a checked state (staff may have suspended it since the batch was read)."""
    renewed = timezone.now() + timedelta(seconds=lease_seconds())
    taken = Tenant.objects.filter(pk=pk, next_check_at=lease, status__in=CHECKED_STATUSES).update(
        next_check_at=renewed
    )
    if not taken:
        logger.info("tenant %s: claimed again, checked or suspended since this batch was sent", pk)
    return bool(taken)


def sweep_one(
    pk: int,
    *,
    trigger: str = CheckTrigger.SWEEP,
    lease: datetime | None = None,
    tenant: Tenant | None = None,
) -> CheckRun | None:
    """Check one tenant, unless it left the checked states, its budget says wait, or (with the
    claim's ``lease``) another claim or check got to it first.

    With a lease, ``tenant`` may be the batch's copy read moments ago: taking the tenant checks
    its state again, and the check's record locks and re-reads its row."""
    if lease is None:
        tenant = None  # no conditional take: read the state now
    elif not take(pk, lease):
        return None
    if tenant is None:
        tenant = _checked_tenants([pk]).get(pk)
    if tenant is None:
        return None
    if trigger == CheckTrigger.SWEEP:
        state = budget_state(client_id=tenant.api_client.client_id, tenant_id=tenant.tenant_id)
        if not state.background_allowed:
            return check_record_deferred(
                tenant=tenant, reason=state.reason, retry_at=state.blocked_until or state.resets_at
            )
    return check_tenant(tenant=tenant, trigger=trigger)


def _checked_tenants(pks: Sequence[int]) -> dict[int, Tenant]:
    found = Tenant.objects.select_related("api_client", "customer").filter(
        pk__in=pks, status__in=CHECKED_STATUSES
    )
    return {tenant.pk: tenant for tenant in found}


def check_many(
    pks: Sequence[int],
    *,
    trigger: str = CheckTrigger.SWEEP,
    concurrency: int | None = None,
    lease: datetime | None = None,
) -> int:
    """Check these tenants, ``TENANTS_SWEEP_CONCURRENCY`` at a time; returns the failures.

    With a claim's ``lease``, only the tenants that claim still holds are checked. The batch's
    tenants, and what usage meters for them, are read once for the batch rather than once per
    check. The usage ledger rows of the whole batch are written together (see usage's
    recorder)."""
    workers = concurrency or settings.TENANTS_SWEEP_CONCURRENCY
    tenants = _checked_tenants(pks)
    registry.preload((t.api_client.client_id, t.tenant_id) for t in tenants.values())
    with get_recorder().batched():
        return fan_out(
            list(pks),
            lambda pk: sweep_one(pk, trigger=trigger, lease=lease, tenant=tenants.get(pk)),
            concurrency=workers,
        )


def batches(pks: Sequence[int], size: int | None = None) -> list[list[int]]:
    size = size or settings.TENANTS_SWEEP_BATCH_SIZE
    return [list(pks[start : start + size]) for start in range(0, len(pks), size)]


def spread(pks: Sequence[int], *, tick: float | None = None) -> list[tuple[list[int], float]]:
    """A claim's batches, each with its delay in seconds: sent one after another across the
    tick rather than all at once, so a tick's checks do not start together and the pages served
    from the same hosts never meet the whole burst.

    A batch holds at most ``TENANTS_SWEEP_BATCH_SIZE`` tenants and, while few are due, at least
    ``TENANTS_SWEEP_MIN_BATCH_SIZE`` (a task has a cost of its own); at most one batch a second.
    """
    tick = settings.TENANTS_SWEEP_TICK_SECONDS if tick is None else tick
    total = len(pks)
    if not total:
        return []
    largest = settings.TENANTS_SWEEP_BATCH_SIZE
    smallest = settings.TENANTS_SWEEP_MIN_BATCH_SIZE
    count = max(ceil(total / largest), min(ceil(total / smallest), max(1, int(tick))))
    return [
        (list(pks[index * total // count : (index + 1) * total // count]), index * tick / count)
        for index in range(count)
    ]
