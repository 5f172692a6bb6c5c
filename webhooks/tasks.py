"""Celery tasks of the inbox: thin, they call services."""

from __future__ import annotations

from celery import shared_task

from . import handoff, services


@shared_task(name="webhooks.process_delivery", ignore_result=True)
def process_delivery(pk: int) -> str | None:
    status = services.delivery_process(pk=pk)
    return status.value if status else None


@shared_task(name="webhooks.hand_over", ignore_result=True)
def hand_over() -> int:
    return handoff.hand_over_queued()


@shared_task(name="webhooks.prune", ignore_result=True)
def prune() -> int:
    return services.deliveries_prune()


@shared_task(name="webhooks.check_silence", ignore_result=True)
def check_silence() -> int:
    return len(services.silence_check())


@shared_task(name="webhooks.requeue_stale", ignore_result=True)
def requeue_stale() -> int:
    return services.deliveries_requeue_stale()
