"""After the 202: poll the ERP's state (the fallback when no notification came in time), keep the
response content before the ERP deletes it, and read the document again: only that GET sets the
job's outcome. Each step is safe to repeat; a read the ERP does not answer, or the budget holds,
is scheduled again with a countdown."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from erpclient import ErpError, Gone, NotFound, Priority
from usage.deferral import DEFERRED_ERRORS, countdown_for

from ..invoices.rules import approval_words
from . import actions
from .models import DONE_STATUSES, BackgroundJob, FinishedBy, JobOutcome, JobStatus, Step
from .steps import (
    MAX_CONTENT_CHARS,
    StepClient,
    backoff,
    conclude,
    erp_message,
    finish,
    locked,
    record,
    schedule,
    setting,
)


def job_advance(job_pk: int, due: str | None = None) -> str:
    """Whatever comes next for the job; a no-op for an ended job or a superseded schedule."""
    with transaction.atomic():
        job = locked(job_pk)
        if job.ended:
            return "ended"
        if due and job.next_check_at and job.next_check_at.isoformat() != due:
            return "superseded"
        if job.status == JobStatus.QUEUED:
            return "not sent yet"
        now = timezone.now()
        if job.status not in DONE_STATUSES and job.expires_at and now >= job.expires_at:
            conclude(job, JobOutcome.EXPIRED)
            job.next_check_at = None
            job.save()
            record(job, Step.EXPIRED, "No result within the ERP's 24 hours; check the document.")
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
    except DEFERRED_ERRORS as error:
        return _step_held(job.pk, error)
    except ErpError as error:
        return _step_failed(job.pk, error)


def _step_held(job_pk: int, error: ErpError) -> str:
    """The budget (or the ERP's 429) holds the read: the step is scheduled again after the hold,
    a countdown in the broker like every other pause."""
    with transaction.atomic():
        job = locked(job_pk)
        if job.ended:
            return "ended"
        job.last_error = erp_message(error)
        job.save()
        record(job, Step.HELD, erp_message(error))
        schedule(job, countdown_for(error))
    return "held"


def _step_failed(job_pk: int, error: ErpError) -> str:
    """The ERP did not answer a read (a timeout, a 5xx, a refusal): said on the timeline and tried
    again later with backoff. Reads are safe to repeat; the action is never resent."""
    with transaction.atomic():
        job = locked(job_pk)
        if job.ended:
            return "ended"
        job.polls += 1
        job.last_error = erp_message(error)
        job.save()
        record(job, Step.POLLED, f"The ERP did not answer: {erp_message(error)}")
        schedule(job, backoff(job))
    return "retry"


def _poll(job: BackgroundJob) -> str:
    with StepClient(job, Priority.BACKGROUND) as client:
        state = client.background.state(job.erp_request_id)
    with transaction.atomic():
        job = locked(job.pk)
        job.polls += 1
        record(job, Step.POLLED, f"{state.status or 'unknown'} (statusCode {state.status_code})")
        if state.done:
            finish(
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
            schedule(job, backoff(job))
            return "polled"
    return _keep_content_and_verify(job, fetch_content=content)


def _read_document_for_unknown(job: BackgroundJob) -> str:
    """No ERP request id (the answer to the send was lost): the document says whether the action
    ran, because every change gives it a new version."""
    with StepClient(job, Priority.BACKGROUND) as client:
        document = actions.fetch_document(
            client, job.document_kind, job.document_type, job.document_number
        )
    with transaction.atomic():
        job = locked(job.pk)
        if job.ended or job.status in DONE_STATUSES:
            return "already done"
        job.polls += 1
        if document.etag and job.if_match and document.etag != job.if_match:
            finish(job, status_code=200, message="", by=FinishedBy.DOCUMENT)
            _verified(job, document)
            job.save()
            return "verified"
        record(job, Step.POLLED, "The document has not changed yet")
        give_up = job.sent_at and timezone.now() - job.sent_at > timedelta(
            seconds=setting("OPERATIONS_JOB_UNKNOWN_GIVE_UP_SECONDS")
        )
        if give_up:
            conclude(job, JobOutcome.EXPIRED)
            job.save()
            record(job, Step.EXPIRED, "The ERP never answered and the document did not change.")
            return "expired"
        job.save()
        schedule(job, backoff(job))
    return "waiting"


def _keep_content_and_verify(job: BackgroundJob, fetch_content: bool = True) -> str:
    if fetch_content and job.erp_request_id and job.response_status is None:
        with StepClient(job, Priority.BACKGROUND) as client:
            try:
                content = client.background.content(job.erp_request_id)
            except (NotFound, Gone) as error:
                content = None
                status = error.status
            else:
                status = content.status
        with transaction.atomic():
            job = locked(job.pk)
            job.response_status = status
            if content is not None:
                job.response_content_type = (content.content_type or "")[:200]
                job.response_content = content.content.decode("utf-8", "replace")[
                    :MAX_CONTENT_CHARS
                ]
                if not job.erp_error_message and job.status == JobStatus.FAILED:
                    job.erp_error_message = _error_text(content.data)
            job.save()
            record(job, Step.CONTENT, f"{status}, {len(job.response_content)} characters")
    return _verify(job)


def _error_text(data: Any) -> str:
    if isinstance(data, dict):
        for key in ("ExceptionMessage", "message", "Message", "detail", "title"):
            if data.get(key):
                return str(data[key])[:2000]
    return ""


def _verify(job: BackgroundJob) -> str:
    with StepClient(job, Priority.BACKGROUND) as client:
        document = actions.fetch_document(
            client, job.document_kind, job.document_type, job.document_number
        )
    with transaction.atomic():
        job = locked(job.pk)
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
        conclude(job, JobOutcome.VERIFIED)
    elif job.erp_status_code == 412:
        conclude(job, JobOutcome.CONFLICT)
    else:
        conclude(job, JobOutcome.REFUSED)
    words = approval_words(job.verified_approval_status)
    approval = f", approval: {words}" if job.verified_approval_status else ""
    record(job, Step.VERIFIED, f"{job.verified_status}{approval}, version {job.verified_etag}")
