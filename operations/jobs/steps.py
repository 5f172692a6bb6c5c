"""The building blocks every step of a background job uses: the locked row, the timeline, the
next step's schedule (a countdown in the broker), the end, and the ERP client whose calls are
counted on the job. ``services`` (queue and send), ``progress`` (poll, keep, verify) and
``notifications`` are made of these."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from erpclient import ErpError, Priority
from tenants.erp import erp_for, urls_for
from usage.deferral import BACKGROUND_CLIENT_OPTIONS
from usage.recorder import get_recorder

from ..erp import CountingRecorder
from .models import (
    DONE_STATUSES,
    BackgroundJob,
    FinishedBy,
    JobEvent,
    JobFile,
    JobOutcome,
    JobStatus,
    Step,
)

MAX_CONTENT_CHARS = 20_000


def setting(name: str) -> float:
    return float(getattr(settings, name))


def record(job: BackgroundJob, step: Step, detail: str = "") -> None:
    JobEvent.objects.create(job=job, step=step, detail=detail[:500])


def locked(job_pk: int) -> BackgroundJob:
    return (
        BackgroundJob.objects.select_for_update()
        .select_related("tenant__api_client")
        .get(pk=job_pk)
    )


def conclude(job: BackgroundJob, outcome: JobOutcome) -> None:
    """The job ends with ``outcome``. A file it uploaded is no longer needed (an action is never
    sent twice; a new attempt is a new upload): its bytes go, its name and size stay."""
    job.outcome = outcome
    job.next_check_at = None
    JobFile.objects.filter(job_id=job.pk).update(content=b"")


def schedule(job: BackgroundJob, delay: float) -> None:
    """Run ``job_advance`` in ``delay`` seconds (a countdown in the broker, never a sleep). Only
    the latest schedule counts: an older task finds another due time and does nothing."""
    from . import tasks

    due = timezone.now() + timedelta(seconds=max(0.0, delay))
    job.next_check_at = due
    job.save(update_fields=["next_check_at"])
    stamp = due.isoformat()
    transaction.on_commit(lambda: tasks.enqueue_advance(job.pk, stamp, delay))


def enqueue_send(job_pk: int) -> None:
    from . import tasks

    tasks.enqueue_send(job_pk)


class StepClient:
    """The tenant's ERP client for one step; what it cost is added to the job's count."""

    def __init__(self, job: BackgroundJob, priority: Priority) -> None:
        self.job = job
        self.recorder = CountingRecorder(get_recorder())
        self.client = erp_for(
            job.tenant,
            priority=priority,
            recorder=self.recorder,
            timeout=settings.OPERATIONS_TIMEOUT_SECONDS,
            **BACKGROUND_CLIENT_OPTIONS,
        )

    def __enter__(self):
        return self.client

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        if self.recorder.calls:
            BackgroundJob.objects.filter(pk=self.job.pk).update(
                erp_calls=F("erp_calls") + self.recorder.calls
            )


def erp_url(job: BackgroundJob) -> str:
    return urls_for(job.tenant.api_client)["erp_url"]


def erp_message(error: ErpError) -> str:
    """The ERP's words for an error, short enough to keep."""
    return (error.message or str(error))[:2000]


def finish(job: BackgroundJob, *, status_code: int, message: str, by: FinishedBy) -> None:
    """The ERP's work ended: finished below 400, failed from 400 (once; a repeat is a no-op)."""
    if job.status in DONE_STATUSES:
        return
    ok = 0 < status_code < 400
    job.status = JobStatus.FINISHED if ok else JobStatus.FAILED
    job.erp_status_code = status_code or None
    job.erp_error_message = message
    job.finished_by = by
    job.finished_at = timezone.now()
    record(
        job,
        Step.FINISHED if ok else Step.FAILED,
        f"statusCode {status_code}, by {by.label}" + (f": {message}" if message else ""),
    )


def backoff(job: BackgroundJob) -> float:
    """The pause before the next poll: doubling from the first, capped, and never a sixth
    identical request within a minute."""
    first = setting("OPERATIONS_JOB_POLL_FIRST_SECONDS")
    delay = min(first * (2**job.polls), setting("OPERATIONS_JOB_POLL_MAX_SECONDS"))
    if job.polls >= 4:
        # The ERP refuses a sixth identical request within a minute.
        delay = max(delay, 12.0)
    return delay
