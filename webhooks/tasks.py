"""Celery tasks of the inbox: thin, they call services."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="webhooks.process_delivery")
def process_delivery(pk: int) -> str | None:
    status = services.delivery_process(pk=pk)
    return status.value if status else None


@shared_task(name="webhooks.prune")
def prune() -> int:
    return services.deliveries_prune()


@shared_task(name="webhooks.check_silence")
def check_silence() -> int:
    return len(services.silence_check())
