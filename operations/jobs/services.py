"""Queueing and sending background jobs, and the sweep that reschedules a job whose task was lost.

Every step locks the job in a short transaction, decides, and commits *before* any ERP call; the
result is written in a second transaction (never a transaction across an ERP call). Steps run in
Celery with ``acks_late``, so any of them may run again after a worker dies. ``job_send`` marks
the job sent before sending and never sends a job already marked: a worker killed between "sent"
and "accepted" leaves a job the ERP may have queued, so it becomes *unknown* and the notification
(matched by our correlation id) or the document itself tells what happened. The action is sent
once, whatever is retried. What comes after the 202 is in ``progress`` and ``notifications``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from erpclient import (
    BackgroundAccepted,
    ErpConnectionError,
    ErpError,
    PreconditionFailed,
    Priority,
    UntrustedLocation,
)
from erpclient.resources.background import request_id_from_location
from portal import audit
from tenants.models import Tenant
from usage.deferral import DEFERRED_ERRORS

from . import actions
from .models import (
    DONE_STATUSES,
    BackgroundJob,
    FinishedBy,
    JobFile,
    JobOutcome,
    JobStatus,
    Step,
)
from .steps import (
    MAX_CONTENT_CHARS,
    StepClient,
    conclude,
    enqueue_send,
    erp_message,
    erp_url,
    finish,
    locked,
    record,
    schedule,
    setting,
)


@dataclass(frozen=True, slots=True)
class Upload:
    name: str
    content_type: str
    content: bytes


def job_queue(
    *,
    actor,
    tenant: Tenant,
    operation: str,
    document_type: str,
    document_number: str,
    if_match: str,
    seen: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
    upload: Upload | None = None,
    form_token: uuid.UUID | None = None,
) -> tuple[BackgroundJob, bool]:
    """Queue ``operation`` on the document (sent by a worker after commit). Returns the job and
    whether it is new: the same form sent twice gets the first job back."""
    action = actions.ACTIONS[operation]
    if form_token is not None:
        existing = BackgroundJob.objects.filter(form_token=form_token).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            job = BackgroundJob.objects.create(
                tenant=tenant,
                operation=operation,
                document_kind=action.kind,
                document_type=document_type,
                document_number=document_number,
                initiator=actor,
                payload=payload or {},
                if_match=if_match,
                seen=seen or {},
                form_token=form_token,
            )
            if upload is not None:
                JobFile.objects.create(
                    job=job,
                    name=upload.name,
                    content_type=upload.content_type,
                    size=len(upload.content),
                    content=upload.content,
                )
            record(job, Step.CREATED, f"{action.label} on {job.document_label}")
            audit.record(
                actor=actor,
                action="operations.job_queued",
                target=job,
                details={
                    "operation": operation,
                    "document": job.document_label,
                    "if_match": if_match,
                    "tenant": tenant.tenant_id,
                    **({"file": upload.name, "size": len(upload.content)} if upload else {}),
                },
            )
            transaction.on_commit(lambda: enqueue_send(job.pk))
    except IntegrityError:
        # The same form, sent twice at once: the other request queued it.
        existing = BackgroundJob.objects.filter(form_token=form_token).first()
        if existing is None:
            raise
        return existing, False
    return job, True


def job_send(job_pk: int) -> str:
    with transaction.atomic():
        job = locked(job_pk)
        if job.sent_at is not None:
            return _after_lost_send(job)
        job.sent_at = timezone.now()
        job.save(update_fields=["sent_at"])
        record(job, Step.SENT, f"If-Match {job.if_match}" if job.if_match else "")
    try:
        # A person asked for it: the interactive lane of the budget, but no sleeping worker.
        with StepClient(job, Priority.INTERACTIVE) as client:
            accepted = actions.send(client, job)
    except DEFERRED_ERRORS as error:
        # Nothing reached the ERP (the budget held it) or the ERP refused it outright with a 429:
        # not sent, so it may be sent later. DeferredOnHold re-queues the task with a countdown.
        with transaction.atomic():
            job = locked(job_pk)
            job.sent_at = None
            job.last_error = erp_message(error)
            job.save(update_fields=["sent_at", "last_error"])
            record(job, Step.HELD, erp_message(error))
        raise
    except ErpConnectionError as error:
        # The request may have reached the ERP: never send it again; find out instead.
        with transaction.atomic():
            job = locked(job_pk)
            job.status = JobStatus.UNKNOWN
            job.last_error = erp_message(error)
            job.save(update_fields=["status", "last_error"])
            record(
                job,
                Step.NO_ANSWER,
                "No answer; the action is not sent again. " + erp_message(error),
            )
            schedule(job, setting("OPERATIONS_JOB_NOTIFY_WAIT_SECONDS"))
        return "unknown"
    except ErpError as error:
        with transaction.atomic():
            job = locked(job_pk)
            finish(
                job,
                status_code=error.status or 0,
                message=erp_message(error),
                by=FinishedBy.SEND,
            )
            conflict = isinstance(error, PreconditionFailed)
            conclude(job, JobOutcome.CONFLICT if conflict else JobOutcome.REFUSED)
            job.response_content = str(error.body or "")[:MAX_CONTENT_CHARS]
            job.save()
        return "refused"
    with transaction.atomic():
        job = locked(job_pk)
        return _accepted(job, accepted)


def _accepted(job: BackgroundJob, accepted: Any) -> str:
    if not isinstance(accepted, BackgroundAccepted):
        # The ERP ran it at once (it ignored erp-api-background): the document will tell.
        job.status = JobStatus.FINISHED
        job.finished_by = FinishedBy.SEND
        job.finished_at = timezone.now()
        job.save()
        record(job, Step.FINISHED, "The ERP ran it at once")
        schedule(job, 0)
        return "finished"
    location = accepted.state_location or ""
    try:
        request_id = request_id_from_location(location, erp_url(job)) if location else accepted.id
    except UntrustedLocation as error:
        job.status = JobStatus.UNKNOWN
        job.last_error = erp_message(error)
        job.save()
        record(job, Step.REFUSED_LOCATION, erp_message(error))
        schedule(job, setting("OPERATIONS_JOB_NOTIFY_WAIT_SECONDS"))
        return "unknown"
    now = timezone.now()
    job.erp_request_id = request_id or ""
    job.state_location = location[:500]
    if job.status in (JobStatus.QUEUED, JobStatus.UNKNOWN):
        job.status = JobStatus.ACCEPTED
    job.accepted_at = now
    job.expires_at = now + timedelta(seconds=setting("OPERATIONS_JOB_RETENTION_SECONDS"))
    job.save()
    record(job, Step.ACCEPTED, f"ERP request {job.erp_request_id}")
    if job.status in DONE_STATUSES:
        schedule(job, 0)
    else:
        schedule(job, setting("OPERATIONS_JOB_NOTIFY_WAIT_SECONDS"))
    return "accepted"


def _after_lost_send(job: BackgroundJob) -> str:
    """The send task ran again after the job was marked sent (a worker died, or a redelivery):
    the ERP may have the action already, so it is never sent twice."""
    if job.erp_request_id or job.status != JobStatus.QUEUED:
        return "already sent"
    job.status = JobStatus.UNKNOWN
    job.save(update_fields=["status"])
    record(
        job,
        Step.NO_ANSWER,
        "The worker stopped after sending; the action is not sent again. The ERP's notification "
        "or the document will tell what happened.",
    )
    schedule(job, setting("OPERATIONS_JOB_POLL_FIRST_SECONDS"))
    return "unknown"


def jobs_overdue(now: datetime | None = None) -> list[int]:
    """Jobs whose next step is overdue by more than the grace (its task was lost, e.g. with a
    broker restart); the sweep schedules them again."""
    now = now or timezone.now()
    grace = timedelta(seconds=setting("OPERATIONS_JOB_SWEEP_GRACE_SECONDS"))
    due = BackgroundJob.objects.filter(
        outcome=JobOutcome.PENDING, next_check_at__lt=now - grace
    ).values_list("pk", flat=True)
    stuck_sends = BackgroundJob.objects.filter(
        outcome=JobOutcome.PENDING,
        status=JobStatus.QUEUED,
        next_check_at__isnull=True,
        created_at__lt=now - grace,
    ).values_list("pk", flat=True)
    return sorted({*due, *stuck_sends})


def job_reschedule(job_pk: int) -> bool:
    """Schedule the job's next step now (a send not yet made is sent; one made is never sent
    again, see ``job_send``). False for an ended job."""
    with transaction.atomic():
        job = locked(job_pk)
        if job.ended:
            return False
        if job.status == JobStatus.QUEUED:
            grace = timedelta(seconds=setting("OPERATIONS_JOB_SWEEP_GRACE_SECONDS"))
            if job.sent_at is not None and job.sent_at > timezone.now() - grace:
                # Its send is in flight: the answer decides. A second send task now would take
                # it for lost ("the worker stopped after sending") while the ERP is answering.
                return True
            transaction.on_commit(lambda: enqueue_send(job_pk))
        else:
            schedule(job, 0)
    return True
