"""Portal-wide Celery tasks."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

WORKER_HEARTBEAT_KEY = "portal:worker-heartbeat"


@shared_task(name="portal.heartbeat", ignore_result=False)
def heartbeat() -> str:
    """Proves a worker is consuming the queue; beat sends it every minute, /healthz reports it."""
    now = timezone.now().isoformat()
    cache.set(WORKER_HEARTBEAT_KEY, now, timeout=None)
    return now
