"""The life of a background job, one idempotent step at a time.

Every step locks the job in a short transaction, decides, and commits *before* any ERP call; the
result is written in a second transaction (never a transaction across an ERP call). Steps run in
Celery with ``acks_late``, so any of them may run again after a worker dies:

- ``job_send`` marks the job sent before sending and never sends a job already marked: a worker
  killed between "sent" and "accepted" leaves a job the ERP may have queued, so it becomes
  *unknown* and the notification (matched by our correlation id) or the document itself tells
  what happened. The action is sent once, whatever is retried.
- ``job_advance`` does whatever comes next: poll the state (the fallback when no notification
  came in time), keep the response content, read the document (verified by GET). Each is safe to
  repeat.
- ``job_notified`` records a notification and brings the next step forward.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from erpclient import (
    BackgroundAccepted,
    ErpConnectionError,
    ErpError,
    Gone,
    NotFound,
    PreconditionFailed,
    Priority,
    UntrustedLocation,
)
from erpclient.resources.background import request_id_from_location
from portal import audit
from tenants.erp import erp_for, urls_for
from tenants.models import Tenant
from usage.deferral import BACKGROUND_CLIENT_OPTIONS, DEFERRED_ERRORS
from usage.recorder import get_recorder

from ..erp import CountingRecorder
from . import actions
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

logger = logging.getLogger(__name__)

# A response body longer than this is cut when kept (the job page shows it; the ERP's copy is gone
# after 24 hours anyway).
MAX_CONTENT_CHARS = 20_000


def _conf(name: str) -> float:
    return float(getattr(settings, name))


def _event(job: BackgroundJob, step: Step, detail: str = "") -> None:
    JobEvent.objects.create(job=job, step=step, detail=detail[:500])


def _locked(job_pk: int) -> BackgroundJob:
    return (
        BackgroundJob.objects.select_for_update()
        .select_related("tenant__api_client")
        .get(pk=job_pk)
    )


def _schedule(job: BackgroundJob, delay: float) -> None:
    """Run ``job_advance`` in ``delay`` seconds (a countdown in the broker, never a sleep). Only
    the latest schedule counts: an older task finds another due time and does nothing."""
    from . import tasks

    due = timezone.now() + timedelta(seconds=max(0.0, delay))
    job.next_check_at = due
    job.save(update_fields=["next_check_at"])
    stamp = due.isoformat()
    transaction.on_commit(lambda: tasks.enqueue_advance(job.pk, stamp, delay))


# --- queueing ------------------------------------------------------------------------------------


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
            _event(job, Step.CREATED, f"{action.label} on {job.document_label}")
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
            transaction.on_commit(lambda: _enqueue_send(job.pk))
    except IntegrityError:
        # The same form, sent twice at once: the other request queued it.
        existing = BackgroundJob.objects.filter(form_token=form_token).first()
        if existing is None:
            raise
        return existing, False
    return job, True


def _enqueue_send(job_pk: int) -> None:
    from . import tasks

    tasks.enqueue_send(job_pk)


# --- the ERP client of a step --------------------------------------------------------------------


class _Client:
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
            from django.db.models import F

            BackgroundJob.objects.filter(pk=self.job.pk).update(
                erp_calls=F("erp_calls") + self.recorder.calls
            )


def _erp_url(job: BackgroundJob) -> str:
    return urls_for(job.tenant.api_client)["erp_url"]


def _message(error: ErpError) -> str:
    return (error.message or str(error))[:2000]


# --- sending -------------------------------------------------------------------------------------


def job_send(job_pk: int) -> str:
    with transaction.atomic():
        job = _locked(job_pk)
        if job.sent_at is not None:
            return _after_lost_send(job)
        job.sent_at = timezone.now()
        job.save(update_fields=["sent_at"])
        _event(job, Step.SENT, f"If-Match {job.if_match}" if job.if_match else "")
    try:
        # A person asked for it: the interactive lane of the budget, but no sleeping worker.
        with _Client(job, Priority.INTERACTIVE) as client:
            accepted = actions.send(client, job)
    except DEFERRED_ERRORS as error:
        # Nothing reached the ERP (the budget held it) or the ERP refused it outright with a 429:
        # not sent, so it may be sent later. DeferredOnHold re-queues the task with a countdown.
        with transaction.atomic():
            job = _locked(job_pk)
            job.sent_at = None
            job.last_error = _message(error)
            job.save(update_fields=["sent_at", "last_error"])
            _event(job, Step.HELD, _message(error))
        raise
    except ErpConnectionError as error:
        # The request may have reached the ERP: never send it again; find out instead.
        with transaction.atomic():
            job = _locked(job_pk)
            job.status = JobStatus.UNKNOWN
            job.last_error = _message(error)
            job.save(update_fields=["status", "last_error"])
            _event(
                job, Step.NO_ANSWER, "No answer; the action is not sent again. " + _message(error)
            )
            _schedule(job, _conf("OPERATIONS_JOB_NOTIFY_WAIT_SECONDS"))
        return "unknown"
    except ErpError as error:
        with transaction.atomic():
            job = _locked(job_pk)
            _finish(
                job,
                status_code=error.status or 0,
                message=_message(error),
                by=FinishedBy.SEND,
            )
            job.outcome = (
                JobOutcome.CONFLICT if isinstance(error, PreconditionFailed) else JobOutcome.REFUSED
            )
            job.response_content = str(error.body or "")[:MAX_CONTENT_CHARS]
            job.save()
        return "refused"
    with transaction.atomic():
        job = _locked(job_pk)
        return _accepted(job, accepted)


def _accepted(job: BackgroundJob, accepted: Any) -> str:
    if not isinstance(accepted, BackgroundAccepted):
        # The ERP ran it at once (it ignored erp-api-background): the document will tell.
        job.status = JobStatus.FINISHED
        job.finished_by = FinishedBy.SEND
        job.finished_at = timezone.now()
        job.save()
        _event(job, Step.FINISHED, "The ERP ran it at once")
        _schedule(job, 0)
        return "finished"
    location = accepted.state_location or ""
    try:
        request_id = request_id_from_location(location, _erp_url(job)) if location else accepted.id
    except UntrustedLocation as error:
        job.status = JobStatus.UNKNOWN
        job.last_error = _message(error)
        job.save()
        _event(job, Step.REFUSED_LOCATION, _message(error))
        _schedule(job, _conf("OPERATIONS_JOB_NOTIFY_WAIT_SECONDS"))
        return "unknown"
    now = timezone.now()
    job.erp_request_id = request_id or ""
    job.state_location = location[:500]
    if job.status in (JobStatus.QUEUED, JobStatus.UNKNOWN):
        job.status = JobStatus.ACCEPTED
    job.accepted_at = now
    job.expires_at = now + timedelta(seconds=_conf("OPERATIONS_JOB_RETENTION_SECONDS"))
    job.save()
    _event(job, Step.ACCEPTED, f"ERP request {job.erp_request_id}")
    if job.status in DONE_STATUSES:
        _schedule(job, 0)
    else:
        _schedule(job, _conf("OPERATIONS_JOB_NOTIFY_WAIT_SECONDS"))
    return "accepted"


def _after_lost_send(job: BackgroundJob) -> str:
    """The send task ran again after the job was marked sent (a worker died, or a redelivery):
    the ERP may have the action already, so it is never sent twice."""
    if job.erp_request_id or job.status != JobStatus.QUEUED:
        return "already sent"
    job.status = JobStatus.UNKNOWN
    job.save(update_fields=["status"])
    _event(
        job,
        Step.NO_ANSWER,
        "The worker stopped after sending; the action is not sent again. The ERP's notification "
        "or the document will tell what happened.",
    )
    _schedule(job, _conf("OPERATIONS_JOB_POLL_FIRST_SECONDS"))
    return "unknown"


# --- finishing -----------------------------------------------------------------------------------


def _finish(job: BackgroundJob, *, status_code: int, message: str, by: FinishedBy) -> None:
    if job.status in DONE_STATUSES:
        return
    ok = 0 < status_code < 400
    job.status = JobStatus.FINISHED if ok else JobStatus.FAILED
    job.erp_status_code = status_code or None
    job.erp_error_message = message
    job.finished_by = by
    job.finished_at = timezone.now()
    _event(
        job,
        Step.FINISHED if ok else Step.FAILED,
        f"statusCode {status_code}, by {by.label}" + (f": {message}" if message else ""),
    )


def _backoff(job: BackgroundJob) -> float:
    first = _conf("OPERATIONS_JOB_POLL_FIRST_SECONDS")
    delay = min(first * (2**job.polls), _conf("OPERATIONS_JOB_POLL_MAX_SECONDS"))
    if job.polls >= 4:
        # The ERP refuses a sixth identical request within a minute.
        delay = max(delay, 12.0)
    return delay


def job_advance(job_pk: int, due: str | None = None) -> str:
    """Whatever comes next for the job; a no-op for an ended job or a superseded schedule."""
    with transaction.atomic():
        job = _locked(job_pk)
        if job.ended:
            return "ended"
        if due and job.next_check_at and job.next_check_at.isoformat() != due:
            return "superseded"
        if job.status == JobStatus.QUEUED:
            return "not sent yet"
        now = timezone.now()
        if job.status not in DONE_STATUSES and job.expires_at and now >= job.expires_at:
            job.outcome = JobOutcome.EXPIRED
            job.next_check_at = None
            job.save()
            _event(job, Step.EXPIRED, "No result within the ERP's 24 hours; check the document.")
            return "expired"
        # In progress from now: should this step die, the sweep takes the job again once the
        # grace has passed.
        job.next_check_at = now
        job.save(update_fields=["next_check_at"])
    try:
        if job.status in DONE_STATUSES:
            return _keep_content_and_verify(job)
        if job.erp_request_id:
            return _poll(job)
        return _read_document_for_unknown(job)
    except DEFERRED_ERRORS:
        raise  # the budget: back to the broker with a countdown (DeferredOnHold)
    except ErpError as error:
        return _step_failed(job.pk, error)


def _step_failed(job_pk: int, error: ErpError) -> str:
    """The ERP did not answer a read (a timeout, a 5xx, a refusal): said on the timeline and tried
    again later with backoff. Reads are safe to repeat; the action is never resent."""
    with transaction.atomic():
        job = _locked(job_pk)
        if job.ended:
            return "ended"
        job.polls += 1
        job.last_error = _message(error)
        job.save()
        _event(job, Step.POLLED, f"The ERP did not answer: {_message(error)}")
        _schedule(job, _backoff(job))
    return "retry"


def _poll(job: BackgroundJob) -> str:
    with _Client(job, Priority.BACKGROUND) as client:
        state = client.background.state(job.erp_request_id)
    with transaction.atomic():
        job = _locked(job.pk)
        job.polls += 1
        _event(job, Step.POLLED, f"{state.status or 'unknown'} (statusCode {state.status_code})")
        if state.done:
            _finish(
                job,
                status_code=state.status_code or 0,
                message=state.error_message or "",
                by=FinishedBy.POLLING,
            )
            job.save()
            content = bool(state.has_response_content or state.content_location)
        else:
            if state.status == "Started" and job.status == JobStatus.ACCEPTED:
                job.status = JobStatus.RUNNING
            job.save()
            _schedule(job, _backoff(job))
            return "polled"
    return _keep_content_and_verify(job, fetch_content=content)


def _read_document_for_unknown(job: BackgroundJob) -> str:
    """No ERP request id (the answer to the send was lost): the document says whether the action
    ran, because every change gives it a new version."""
    with _Client(job, Priority.BACKGROUND) as client:
        document = actions.fetch_document(
            client, job.document_kind, job.document_type, job.document_number
        )
    with transaction.atomic():
        job = _locked(job.pk)
        if job.ended or job.status in DONE_STATUSES:
            return "already done"
        job.polls += 1
        if document.etag and job.if_match and document.etag != job.if_match:
            _finish(job, status_code=200, message="", by=FinishedBy.DOCUMENT)
            _verified(job, document)
            job.save()
            return "verified"
        _event(job, Step.POLLED, "The document has not changed yet")
        give_up = job.sent_at and timezone.now() - job.sent_at > timedelta(
            seconds=_conf("OPERATIONS_JOB_UNKNOWN_GIVE_UP_SECONDS")
        )
        if give_up:
            job.outcome = JobOutcome.EXPIRED
            job.save()
            _event(job, Step.EXPIRED, "The ERP never answered and the document did not change.")
            return "expired"
        job.save()
        _schedule(job, _backoff(job))
    return "waiting"


def _keep_content_and_verify(job: BackgroundJob, fetch_content: bool = True) -> str:
    if fetch_content and job.erp_request_id and job.response_status is None:
        with _Client(job, Priority.BACKGROUND) as client:
            try:
                content = client.background.content(job.erp_request_id)
            except (NotFound, Gone) as error:
                content = None
                status = error.status
            else:
                status = content.status
        with transaction.atomic():
            job = _locked(job.pk)
            job.response_status = status
            if content is not None:
                job.response_content_type = (content.content_type or "")[:200]
                job.response_content = content.content.decode("utf-8", "replace")[
                    :MAX_CONTENT_CHARS
                ]
                if not job.erp_error_message and job.status == JobStatus.FAILED:
                    job.erp_error_message = _error_text(content.data)
            job.save()
            _event(job, Step.CONTENT, f"{status}, {len(job.response_content)} characters")
    return _verify(job)


def _error_text(data: Any) -> str:
    if isinstance(data, dict):
        for key in ("ExceptionMessage", "message", "Message", "detail", "title"):
            if data.get(key):
                return str(data[key])[:2000]
    return ""


def _verify(job: BackgroundJob) -> str:
    with _Client(job, Priority.BACKGROUND) as client:
        document = actions.fetch_document(
            client, job.document_kind, job.document_type, job.document_number
        )
    with transaction.atomic():
        job = _locked(job.pk)
        if job.ended:
            return "ended"
        _verified(job, document)
        job.save()
    return "verified"


def _verified(job: BackgroundJob, document: Any) -> None:
    job.verified_status = document.status or ""
    job.verified_approval_status = getattr(document, "approval_status", None) or ""
    job.verified_etag = document.etag or ""
    job.verified_at = timezone.now()
    job.next_check_at = None
    if job.status == JobStatus.FINISHED:
        job.outcome = JobOutcome.VERIFIED
    elif job.erp_status_code == 412:
        job.outcome = JobOutcome.CONFLICT
    else:
        job.outcome = JobOutcome.REFUSED
    approval = f", approval {job.verified_approval_status}" if job.verified_approval_status else ""
    _event(job, Step.VERIFIED, f"{job.verified_status}{approval}, version {job.verified_etag}")


# --- notifications -------------------------------------------------------------------------------


def job_notified(
    *,
    correlation_id: str | None,
    request_id: str | None,
    state_location: str | None,
    status_code: int | None,
    trusted: bool,
    via: str,
    erp_tenant_id: str = "",
) -> str:
    """A Background API notification for one of our jobs. A signed (``trusted``) one with a
    status code finishes the job; an unsigned one only brings the next poll forward (the state
    GET confirms it). A ``stateLocation`` off the ERP host is recorded and refused, and so is a
    notification that names another tenant than the job's."""
    job = _find(correlation_id, request_id)
    if job is None:
        return "no job matches"
    if erp_tenant_id and erp_tenant_id.strip().lower() != job.tenant.tenant_id.lower():
        # A notification about another company never moves this company's job.
        return f"job {job.pk} belongs to another tenant; ignored"
    with transaction.atomic():
        job = _locked(job.pk)
        if job.ended:
            return f"job {job.pk} already ended"
        located = None
        if state_location:
            try:
                located = request_id_from_location(state_location, _erp_url(job))
            except UntrustedLocation as error:
                _event(job, Step.REFUSED_LOCATION, f"{via}: {_message(error)}")
                return f"job {job.pk}: refused a state location off the ERP host"
        if job.notified_at is None:
            job.notified_at = timezone.now()
        _event(job, Step.NOTIFIED, f"{via}: statusCode {status_code}")
        if not job.erp_request_id and (located or request_id):
            # The answer to the send was lost; the notification names the ERP's request.
            job.erp_request_id = located or request_id or ""
            job.state_location = (state_location or "")[:500]
        if job.status in (JobStatus.UNKNOWN, JobStatus.QUEUED) and job.erp_request_id:
            # It reached the ERP (even if the 202 was lost or is still on its way).
            job.status = JobStatus.ACCEPTED
        if trusted and status_code:
            _finish(job, status_code=status_code, message="", by=FinishedBy.WEBHOOK)
        job.save()
        _schedule(job, 0)
    return f"job {job.pk} notified"


def _find(correlation_id: str | None, request_id: str | None) -> BackgroundJob | None:
    """The job by our correlation id, else by the ERP's request id."""
    if correlation_id:
        try:
            key = uuid.UUID(str(correlation_id).strip())
        except ValueError:
            key = None
        if key is not None:
            job = BackgroundJob.objects.select_related("tenant").filter(correlation_id=key).first()
            if job is not None:
                return job
    if request_id:
        return (
            BackgroundJob.objects.select_related("tenant")
            .filter(erp_request_id=str(request_id)[:100])
            .first()
        )
    return None


# --- the safety net -------------------------------------------------------------------------------


def jobs_overdue(now: datetime | None = None) -> list[int]:
    """Jobs whose next step is overdue by more than the grace (its task was lost, e.g. with a
    broker restart); the sweep schedules them again."""
    now = now or timezone.now()
    grace = timedelta(seconds=_conf("OPERATIONS_JOB_SWEEP_GRACE_SECONDS"))
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
        job = _locked(job_pk)
        if job.ended:
            return False
        if job.status == JobStatus.QUEUED:
            transaction.on_commit(lambda: _enqueue_send(job_pk))
        else:
            _schedule(job, 0)
    return True
