"""Handing stored deliveries to Celery: one broker message per burst, not one per delivery.

The inbox answers a sender once its delivery is committed; what remains is to tell a worker.
Publishing a Celery message costs the web process about as much as storing the delivery, so under
a flood it would halve what the inbox can take. Instead, after each commit the inbox *announces*:

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

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .models import DeliveryStatus, InboundDelivery

logger = logging.getLogger(__name__)

FLAG = "webhooks:hand-over-pending"


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
