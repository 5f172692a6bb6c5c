"""Background jobs: one row per ERP operation queued in the Background API, with its timeline.

``status`` is where the ERP's work is (GitHub Actions' status); ``outcome`` is what the document
turned out to be once a GET read it after the work ended (GitHub's conclusion). A job *ends* when
its outcome is no longer pending.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from tenants.models import Tenant


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"  # in the portal, not sent to the ERP yet
    ACCEPTED = "accepted", "Accepted"  # the ERP answered 202 and queued it
    RUNNING = "running", "Running"  # the ERP's state says Started
    FINISHED = "finished", "Finished"  # the ERP ran it and answered below 400
    FAILED = "failed", "Failed"  # the ERP refused it, at once or when it ran
    UNKNOWN = "unknown", "Unknown"  # sent, but no answer came back: the document will tell


DONE_STATUSES = (JobStatus.FINISHED, JobStatus.FAILED)


class JobOutcome(models.TextChoices):
    PENDING = "pending", "Not verified yet"
    VERIFIED = "verified", "Verified"  # finished, and a GET read the document afterwards
    CONFLICT = "conflict", "Changed by someone else"  # 412: the version shown was not current
    REFUSED = "refused", "Refused by the ERP"
    EXPIRED = "expired", "No answer within the ERP's retention"


class FinishedBy(models.TextChoices):
    WEBHOOK = "webhook", "the ERP's notification"
    POLLING = "polling", "polling the ERP's state"
    DOCUMENT = "document", "reading the document"
    SEND = "send", "the ERP's answer to the request"


class Step(models.TextChoices):
    CREATED = "created", "Created"
    SENT = "sent", "Sent to the ERP"
    HELD = "held", "Held by the hourly budget"
    ACCEPTED = "accepted", "202 accepted"
    NO_ANSWER = "no_answer", "No answer to the request"
    NOTIFIED = "notified", "Notified"
    REFUSED_LOCATION = "refused_location", "Notification refused"
    POLLED = "polled", "Polled"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"
    CONTENT = "content", "Response kept"
    VERIFIED = "verified", "Verified by GET"
    EXPIRED = "expired", "Expired"


class BackgroundJob(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="background_jobs")
    operation = models.CharField(max_length=40)
    document_kind = models.CharField(max_length=40)
    document_type = models.CharField(max_length=40, blank=True)
    document_number = models.CharField(max_length=40)
    initiator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # What the action sends besides the document (prebook's account, the file's line); never a
    # secret.
    payload = models.JSONField(default=dict, blank=True)
    # The version the person saw, sent as If-Match.
    if_match = models.CharField(max_length=200, blank=True)
    # The document's state on the page the person acted from (status, approval status).
    seen = models.JSONField(default=dict, blank=True)
    # Our correlation id, sent as `erp-api-background: subscription:x-job-id=<id>`.
    correlation_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # One rendered form queues one job (portal.form_tokens).
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    status = models.CharField(max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED)
    outcome = models.CharField(
        max_length=12, choices=JobOutcome.choices, default=JobOutcome.PENDING
    )
    finished_by = models.CharField(max_length=12, choices=FinishedBy.choices, blank=True)

    erp_request_id = models.CharField(max_length=100, blank=True)
    state_location = models.URLField(max_length=500, blank=True)
    erp_status_code = models.PositiveIntegerField(null=True, blank=True)
    erp_error_message = models.TextField(blank=True)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    response_content_type = models.CharField(max_length=200, blank=True)
    response_content = models.TextField(blank=True)

    verified_status = models.CharField(max_length=40, blank=True)
    verified_approval_status = models.CharField(max_length=40, blank=True)
    verified_etag = models.CharField(max_length=200, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    # The ERP keeps the state and content this long after accepting (24 hours).
    expires_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    polls = models.PositiveIntegerField(default=0)
    erp_calls = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="ops_job_tenant_created"),
            models.Index(fields=["outcome", "next_check_at"], name="ops_job_due"),
            models.Index(
                fields=["tenant", "document_kind", "document_number"], name="ops_job_document"
            ),
        ]

    def __str__(self) -> str:
        return f"Job {self.pk}: {self.operation} {self.document_label}"

    @property
    def document_label(self) -> str:
        return " ".join(p for p in (self.document_type, self.document_number) if p)

    @property
    def ended(self) -> bool:
        return self.outcome != JobOutcome.PENDING

    @property
    def created_reference(self) -> str:
        """The number of a document the action created (reverse, correct), from its response."""
        import json

        try:
            data = json.loads(self.response_content or "null")
        except ValueError:
            return ""
        if not isinstance(data, dict):
            return ""
        return str(data.get("referenceNumber") or data.get("refNbr") or "")

    @property
    def sent_with(self) -> list[tuple[str, str]]:
        """What the action carried besides the document, as people read it (the payload keeps
        the ERP's shapes: subaccount segments, line numbers)."""
        payload = self.payload or {}
        shown = []
        if payload.get("account"):
            shown.append(("Account", str(payload["account"])))
        if payload.get("subaccount_number"):
            shown.append(("Subaccount", str(payload["subaccount_number"])))
        if payload.get("line_number"):
            shown.append(("Attached to", f"line {payload['line_number']}"))
        known = {"account", "subaccount", "subaccount_number", "line_number"}
        shown += [
            (key.replace("_", " ").capitalize(), str(v))
            for key, v in payload.items()
            if key not in known
        ]
        return shown

    @property
    def action_label(self) -> str:
        from .actions import ACTIONS

        action = ACTIONS.get(self.operation)
        return action.label if action else self.operation

    @property
    def action_title(self) -> str:
        """The action on its document, as a heading says it: "Attach a file to Invoice 7"."""
        from .actions import ACTIONS

        action = ACTIONS.get(self.operation)
        joins = f" {action.joins_with}" if action and action.joins_with else ""
        return f"{self.action_label}{joins} {self.document_label}"

    @property
    def tone(self) -> str:
        """The badge colour of the summary: ok, bad, warn or info (still running)."""
        if self.outcome == JobOutcome.VERIFIED:
            return "ok"
        if self.outcome in (JobOutcome.REFUSED, JobOutcome.CONFLICT):
            return "bad"
        if self.outcome == JobOutcome.EXPIRED or self.status == JobStatus.UNKNOWN:
            return "warn"
        return "info"

    @property
    def outcome_text(self) -> str:
        """The outcome as the job page words it; while it is pending, what happens next."""
        if self.outcome != JobOutcome.PENDING:
            return self.get_outcome_display()
        if self.status in DONE_STATUSES:
            return "Being confirmed: the portal is reading the document to see what the ERP did"
        return "Known once the ERP has run the job and the portal has read the document"

    @property
    def summary(self) -> str:
        """In a few words: "finished, verified: Open"."""
        text = self.get_status_display().lower()
        if self.outcome == JobOutcome.VERIFIED:
            return f"{text}, verified: {self.verified_status or 'unknown'}"
        if self.outcome == JobOutcome.PENDING:
            return text
        return f"{text}, {self.get_outcome_display().lower()}"


class JobEvent(models.Model):
    """One step of a job's timeline."""

    job = models.ForeignKey(BackgroundJob, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(max_length=20, choices=Step.choices)
    at = models.DateTimeField(auto_now_add=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_step_display()} at {self.at:%Y-%m-%d %H:%M:%S}"


class JobFile(models.Model):
    """The file an attachment job uploads; its bytes are dropped when the job ends."""

    job = models.OneToOneField(BackgroundJob, on_delete=models.CASCADE, related_name="file")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.name
