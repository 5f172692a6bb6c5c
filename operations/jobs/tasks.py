"""Celery tasks of background jobs: thin wrappers around ``services``.

Every task is ``acks_late`` (the broker keeps the message until the task returns, so a killed
worker's task runs again) and each step is idempotent (``services`` says how). Budget holds and
429s go back to the broker with a countdown (``DeferredOnHold``); nothing sleeps in a worker.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from usage.deferral import DeferredOnHold

from . import progress, services

OPTIONS = {"ignore_result": True, "acks_late": True, "reject_on_worker_lost": True}


def _queue() -> str:
    return settings.OPERATIONS_JOBS_QUEUE


def enqueue_send(job_pk: int) -> None:
    send.apply_async(args=[job_pk], queue=_queue())


def enqueue_advance(job_pk: int, due: str, delay: float) -> None:
    advance.apply_async(
        args=[job_pk], kwargs={"due": due}, countdown=max(0.0, delay), queue=_queue()
    )


@shared_task(name="operations.jobs.send", base=DeferredOnHold, bind=True, **OPTIONS)
def send(self, job_pk: int) -> str:
    return services.job_send(job_pk)


@shared_task(name="operations.jobs.advance", base=DeferredOnHold, bind=True, **OPTIONS)
def advance(self, job_pk: int, due: str | None = None) -> str:
    return progress.job_advance(job_pk, due)


@shared_task(name="operations.jobs.sweep", **OPTIONS)
def sweep() -> int:
    """Beat's safety net: a job whose next step is long overdue (its task was lost) is scheduled
    again."""
    pks = services.jobs_overdue()
    for pk in pks:
        services.job_reschedule(pk)
    return len(pks)
