"""A Background API notification for one of our jobs, matched by our correlation id (or the
ERP's request id), checked, and turned into the job's next step."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from erpclient import UntrustedLocation
from erpclient.resources.background import request_id_from_location

from .models import BackgroundJob, FinishedBy, JobStatus, Step
from .steps import erp_message, erp_url, finish, locked, record, schedule


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
        job = locked(job.pk)
        if job.ended:
            return f"job {job.pk} already ended"
        located = None
        if state_location:
            try:
                located = request_id_from_location(state_location, erp_url(job))
            except UntrustedLocation as error:
                record(job, Step.REFUSED_LOCATION, f"{via}: {erp_message(error)}")
                return f"job {job.pk}: refused a state location off the ERP host"
        if job.notified_at is None:
            job.notified_at = timezone.now()
        record(job, Step.NOTIFIED, f"{via}: statusCode {status_code}")
        if not job.erp_request_id and (located or request_id):
            # The answer to the send was lost; the notification names the ERP's request.
            job.erp_request_id = located or request_id or ""
            job.state_location = (state_location or "")[:500]
        if job.status in (JobStatus.UNKNOWN, JobStatus.QUEUED) and job.erp_request_id:
            # It reached the ERP (even if the 202 was lost or is still on its way).
            job.status = JobStatus.ACCEPTED
        if trusted and status_code:
            finish(job, status_code=status_code, message="", by=FinishedBy.WEBHOOK)
        job.save()
        schedule(job, 0)
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
