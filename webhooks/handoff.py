"""Handing stored deliveries to Celery: one broker message per burst, not one per delivery.

The inbox answers a sender once its delivery is committed; what remains is to tell a worker.
Publishing a Celery message costs the web process about as much as storing the delivery, so under
a flood it would halve what the inbox can take. Instead, after each commit the inbox *announces*,
and not from the request's thread (``announce_soon``): one thread per web process announces for
all of its requests at most every WEBHOOKS_ANNOUNCE_DELAY_SECONDS, so under a flood a process
makes one cache call per interval instead of one per delivery (bench/webhooks.py). Any delivery
committed before that thread takes its "due" flag is covered by the announcement it makes next;
one committed after sets the flag again. A process that stops takes its due announcement along
at exit; one killed outright leaves its last deliveries to ``webhooks.requeue_stale``. With the
delay at 0 the request's own thread announces, at once.

- ``announce()`` sets a flag in the shared cache with an atomic add. Only the caller that set it
  publishes ``webhooks.hand_over`` (no payload); while the flag stands, a hand-over is on its way
  and will see every delivery committed so far, so the others publish nothing.
- ``hand_over_queued()`` (the task) clears the flag *first*, then claims every delivery that is
  queued and not yet handed over (``queued_at`` empty), stamps ``queued_at`` and publishes
  ``webhooks.process_delivery`` with the pk of each. A delivery committed after the flag was
  cleared sets the flag again, so none is left behind.

If the cache or the broker fails, the delivery stays queued without ``queued_at`` and
``webhooks.requeue_stale`` hands it over later; the sender has its answer either way. The flag
expires on its own after WEBHOOKS_HANDOFF_FLAG_SECONDS, in case a hand-over message was lost.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .models import DeliveryStatus, InboundDelivery

logger = logging.getLogger(__name__)

FLAG = "webhooks:hand-over-pending"


def announce_soon() -> None:
    """A delivery was committed: have it announced within WEBHOOKS_ANNOUNCE_DELAY_SECONDS."""
    if settings.WEBHOOKS_ANNOUNCE_DELAY_SECONDS <= 0:
        announce()
    else:
        _announcer.due()


class _Announcer:
    """The thread that announces for one process's requests (started in each process on first
    use, so a forked gunicorn worker gets its own; gunicorn's master never serves requests)."""

    def __init__(self) -> None:
        self._pid: int | None = None
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._changed = threading.Condition()
        self._due = False
        self._stopping = False

    def due(self) -> None:
        if self._pid != os.getpid():
            self._start()
        if self._due:
            # Already due: the coming announcement is made after this commit too (the thread
            # takes the flag before it announces), so no lock and no wake-up per delivery.
            return
        with self._changed:
            self._due = True
            self._changed.notify()

    def flush(self) -> None:
        """Announce now, in this thread, if an announcement is due."""
        with self._changed:
            due, self._due = self._due, False
        if due:
            announce()

    def stop(self) -> None:
        """At exit: the due announcement is made now, then the thread ends."""
        with self._changed:
            self._stopping = True
            self._changed.notify()
        thread = self._thread
        if thread is not None and self._pid == os.getpid() and thread.is_alive():
            thread.join(timeout=10)
        self.flush()

    def _start(self) -> None:
        with self._start_lock:
            if self._pid == os.getpid():
                return
            self._changed = threading.Condition()  # nothing of another process's thread
            self._due = self._stopping = False
            self._thread = threading.Thread(
                target=self._run, name="webhooks-announcer", daemon=True
            )
            self._thread.start()
            self._pid = os.getpid()

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._due or self._stopping)
                # Gather the burst (cut short at exit). Taking the flag *before* announcing:
                # a delivery committed after this sets it again, for the next round.
                self._changed.wait_for(
                    lambda: self._stopping, timeout=settings.WEBHOOKS_ANNOUNCE_DELAY_SECONDS
                )
                due, self._due = self._due, False
                stopping = self._stopping
            if due:
                try:
                    announce()
                except Exception:  # announce() logs its own faults; this thread must not die
                    logger.exception("Announcing stored deliveries failed")
            if stopping:
                return


_announcer = _Announcer()
atexit.register(lambda: _announcer.stop())


def announce() -> None:
    """A delivery was committed: make sure a hand-over will run after this moment."""
    from .tasks import hand_over

    try:
        if not cache.add(FLAG, 1, timeout=settings.WEBHOOKS_HANDOFF_FLAG_SECONDS):
            return
    except Exception:  # the cache is down: publish anyway, a spare hand-over finds nothing
        logger.warning("The hand-over flag could not be set; publishing a hand-over anyway")
    try:
        hand_over.delay()
    except Exception:
        logger.exception("Stored deliveries not handed to Celery; webhooks.requeue_stale will")


def hand_over_queued(*, limit: int | None = None) -> int:
    """Publish the processing task of each stored delivery not handed over yet; how many."""
    from .tasks import hand_over, process_delivery

    limit = limit or settings.WEBHOOKS_HANDOFF_BATCH
    cache.delete(FLAG)
    with transaction.atomic():
        pks = list(
            InboundDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.QUEUED, queued_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        InboundDelivery.objects.filter(pk__in=pks).update(queued_at=timezone.now())
    for pk in pks:
        process_delivery.delay(pk)
    if len(pks) == limit:
        hand_over.delay()  # more are waiting: another round, so one task never runs long
    return len(pks)
