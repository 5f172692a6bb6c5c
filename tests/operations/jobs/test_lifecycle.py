"""A background job from queued to verified by GET, by polling and by notification, and the ERP
refusing it, against the sandbox over real HTTP."""

from __future__ import annotations

import pytest

from operations.jobs import progress, services
from operations.jobs.handlers import on_background_response, on_background_url_callback
from operations.jobs.models import BackgroundJob, FinishedBy, JobOutcome, JobStatus, Step
from portal.models import AuditEvent
from webhooks.handlers import Event, Source

from .helpers import find_invoice, posts_to, queue, run_until_ended

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenant(erp_settings, make_tenant):
    return make_tenant("healthy")


def _event(job, payload, source=Source.VISMA, headers=None):
    return Event(
        delivery_id=1,
        source=source,
        event_type="BACKGROUND_API_RESPONSE",
        erp_tenant_id=job.tenant.tenant_id,
        notification_id="n-1",
        headers={"x-job-id": str(job.correlation_id)} if headers is None else headers,
        payload=payload,
    )


def _steps(job):
    return [e.step for e in job.events.all()]


def test_no_notification_polling_finishes_and_a_get_verifies(
    tenant, erp_settings, advance_sandbox_clock, operator
):
    invoice = find_invoice(tenant, "Balanced")
    job = queue(tenant, invoice, actor=operator)
    assert AuditEvent.objects.filter(action="operations.job_queued", actor=operator).exists()
    assert services.job_send(job.pk) == "accepted"
    job.refresh_from_db()
    assert job.status == JobStatus.ACCEPTED and job.erp_request_id and job.expires_at

    job = run_until_ended(job, advance_sandbox_clock)
    assert job.status == JobStatus.FINISHED
    assert job.outcome == JobOutcome.VERIFIED
    assert job.finished_by == FinishedBy.POLLING
    assert job.verified_status == "Open"
    assert job.verified_etag and job.verified_etag != invoice.etag
    assert job.summary == "finished, verified: Open"
    assert '"actionResult"' in job.response_content
    assert _steps(job)[:3] == [Step.CREATED, Step.SENT, Step.ACCEPTED]
    assert _steps(job)[-2:] == [Step.CONTENT, Step.VERIFIED]
    sent = posts_to(erp_settings, f"/{invoice.number}/action/release")
    assert len(sent) == 1
    assert sent[0]["headers"]["if-match"] == invoice.etag
    assert sent[0]["headers"]["erp-api-background"] == f"subscription:x-job-id={job.correlation_id}"


def test_a_signed_notification_finishes_with_three_erp_calls(
    tenant, erp_settings, advance_sandbox_clock
):
    invoice = find_invoice(tenant, "Balanced")
    job = queue(tenant, invoice)
    services.job_send(job.pk)
    advance_sandbox_clock(2)
    job.refresh_from_db()
    payload = {"id": job.erp_request_id, "statusCode": 200, "stateLocation": job.state_location}
    assert on_background_response(_event(job, payload)) == f"job {job.pk} notified"
    progress.job_advance(job.pk)
    job.refresh_from_db()
    assert job.finished_by == FinishedBy.WEBHOOK and job.notified_at
    assert job.outcome == JobOutcome.VERIFIED and job.verified_status == "Open"
    assert job.erp_calls == 3  # the action, its kept response, the GET that verifies

    # The same notification again (a dispatcher retry, a reprocess) changes nothing.
    assert "already ended" in on_background_response(_event(job, payload))
    assert BackgroundJob.objects.get(pk=job.pk).erp_calls == 3


def test_a_state_location_on_another_host_is_recorded_and_refused(
    tenant, erp_settings, advance_sandbox_clock
):
    invoice = find_invoice(tenant, "Balanced")
    job = queue(tenant, invoice)
    services.job_send(job.pk)
    job.refresh_from_db()
    payload = {
        "id": job.erp_request_id,
        "statusCode": 200,
        "stateLocation": f"https://attacker.example/v1/background/{job.erp_request_id}",
    }
    assert "refused" in on_background_response(_event(job, payload))
    job.refresh_from_db()
    assert job.status == JobStatus.ACCEPTED and not job.notified_at
    assert Step.REFUSED_LOCATION in _steps(job)
    # Polling still finishes it.
    assert run_until_ended(job, advance_sandbox_clock).outcome == JobOutcome.VERIFIED


def test_an_unsigned_url_callback_is_confirmed_by_a_get_of_the_state(
    tenant, erp_settings, advance_sandbox_clock
):
    invoice = find_invoice(tenant, "Balanced")
    job = queue(tenant, invoice)
    services.job_send(job.pk)
    job.refresh_from_db()
    # It claims success before the ERP has run anything.
    payload = {"id": job.erp_request_id, "statusCode": 200, "stateLocation": job.state_location}
    on_background_url_callback(_event(job, payload, source=Source.BACKGROUND_URL, headers={}))
    job.refresh_from_db()
    assert job.status == JobStatus.ACCEPTED, "an unsigned claim finishes nothing"
    progress.job_advance(job.pk)
    job.refresh_from_db()
    assert job.status in (JobStatus.ACCEPTED, JobStatus.RUNNING) and job.polls == 1
    job = run_until_ended(job, advance_sandbox_clock)
    assert job.finished_by == FinishedBy.POLLING and job.outcome == JobOutcome.VERIFIED


def test_an_action_the_erp_refuses_shows_its_reason(tenant, erp_settings, advance_sandbox_clock):
    invoice = find_invoice(tenant, "Hold")
    job = queue(tenant, invoice)
    services.job_send(job.pk)
    job = run_until_ended(job, advance_sandbox_clock)
    assert job.status == JobStatus.FAILED
    assert job.outcome == JobOutcome.REFUSED
    assert job.erp_status_code == 400
    assert "hold" in job.erp_error_message.lower()
    assert job.verified_status == "Hold"


def test_a_document_changed_before_the_action_ran_is_a_conflict(
    tenant, erp_settings, advance_sandbox_clock
):
    invoice = find_invoice(tenant, "Balanced")
    job = queue(tenant, invoice)
    services.job_send(job.pk)
    erp_settings.control(
        "POST",
        f"/_sandbox/tenants/{tenant.tenant_id}/supplier-invoices/Invoice/{invoice.number}/touch",
        {"description": "Someone else"},
    )
    job = run_until_ended(job, advance_sandbox_clock)
    assert job.status == JobStatus.FAILED and job.erp_status_code == 412
    assert job.outcome == JobOutcome.CONFLICT
    assert job.verified_status == "Balanced"


def test_the_same_form_twice_queues_one_job(tenant, erp_settings):
    import uuid

    invoice = find_invoice(tenant, "Balanced")
    token = uuid.uuid4()
    first = queue(tenant, invoice, form_token=token)
    again = queue(tenant, invoice, form_token=token)
    assert first.pk == again.pk
    assert BackgroundJob.objects.count() == 1


def test_a_send_task_run_again_never_sends_twice(tenant, erp_settings, advance_sandbox_clock):
    invoice = find_invoice(tenant, "Balanced")
    job = queue(tenant, invoice)
    services.job_send(job.pk)
    assert services.job_send(job.pk) == "already sent"
    run_until_ended(job, advance_sandbox_clock)
    assert len(posts_to(erp_settings, f"/{invoice.number}/action/release")) == 1


def test_a_notification_naming_another_tenant_moves_nothing(tenant, erp_settings):
    invoice = find_invoice(tenant, "Balanced")
    job = queue(tenant, invoice)
    services.job_send(job.pk)
    job.refresh_from_db()
    event = Event(
        delivery_id=2,
        source=Source.VISMA,
        event_type="BACKGROUND_API_RESPONSE",
        erp_tenant_id="6e2a4c1b-9d3f-4a7b-8c82-3f5d7b9e1a22",
        notification_id="n-2",
        headers={"x-job-id": str(job.correlation_id)},
        payload={"id": job.erp_request_id, "statusCode": 200},
    )
    assert "another tenant" in on_background_response(event)
    job.refresh_from_db()
    assert job.status == JobStatus.ACCEPTED and job.notified_at is None


def test_a_notification_for_no_job_is_said_so(tenant):
    event = Event(
        delivery_id=3,
        source=Source.VISMA,
        event_type="BACKGROUND_API_RESPONSE",
        erp_tenant_id=tenant.tenant_id,
        notification_id="n-3",
        headers={"x-job-id": "not-a-uuid"},
        payload={"id": "unknown-request", "statusCode": 200},
    )
    assert on_background_response(event) == "no job matches"


def test_polling_stops_at_the_erps_retention(tenant, erp_settings):
    from datetime import timedelta

    from django.utils import timezone

    invoice = find_invoice(tenant, "Balanced")
    job = queue(tenant, invoice)
    services.job_send(job.pk)
    BackgroundJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert progress.job_advance(job.pk) == "expired"
    job.refresh_from_db()
    assert job.outcome == JobOutcome.EXPIRED and job.ended
    assert progress.job_advance(job.pk) == "ended"


def test_an_invoice_event_brings_its_open_jobs_forward(tenant, erp_settings):
    from operations.jobs.handlers import refresh_supplier_invoice
    from operations.refresh import Kind, refreshers_for

    assert refresh_supplier_invoice in refreshers_for(Kind.SUPPLIER_INVOICE)
    invoice = find_invoice(tenant, "Balanced")
    job = queue(tenant, invoice)
    services.job_send(job.pk)
    job.refresh_from_db()
    later = job.next_check_at
    refresh_supplier_invoice(tenant, f"Invoice/{invoice.number}")
    job.refresh_from_db()
    assert job.next_check_at < later, "the next step is due now"


def test_a_superseded_schedule_does_nothing(tenant, erp_settings):
    invoice = find_invoice(tenant, "Balanced")
    job = queue(tenant, invoice)
    services.job_send(job.pk)
    assert progress.job_advance(job.pk, due="2000-01-01T00:00:00+00:00") == "superseded"
    assert BackgroundJob.objects.get(pk=job.pk).polls == 0


def test_a_read_the_erp_does_not_answer_is_tried_again_later(
    tenant, erp_settings, advance_sandbox_clock
):
    from django.utils import timezone

    invoice = find_invoice(tenant, "Balanced")
    job = queue(tenant, invoice)
    services.job_send(job.pk)
    advance_sandbox_clock(2)
    erp_settings.control(
        "POST", "/_sandbox/faults", {"tenant_id": tenant.tenant_id, "error_rate": 1.0}
    )
    assert progress.job_advance(job.pk) == "retry"
    job.refresh_from_db()
    assert job.status == JobStatus.ACCEPTED and job.next_check_at and job.last_error
    assert "did not answer" in job.events.last().detail
    erp_settings.control("POST", "/_sandbox/faults", {"tenant_id": tenant.tenant_id})
    # The same read failed twice (the client retried it once): the ERP would throttle a third
    # within 5 minutes, so the step goes back to the broker with a countdown instead.
    from tenants import erp

    assert progress.job_advance(job.pk) == "held"
    job.refresh_from_db()
    assert job.events.last().step == Step.HELD
    assert (job.next_check_at - timezone.now()).total_seconds() > 200
    erp.reset_process_state()  # five minutes later, here and in the ERP:
    advance_sandbox_clock(301)
    job = run_until_ended(job, advance_sandbox_clock)
    assert job.outcome == JobOutcome.VERIFIED
    assert len(posts_to(erp_settings, f"/{invoice.number}/action/release")) == 1


def test_an_ended_attachment_job_keeps_the_name_and_drops_the_bytes(
    tenant, erp_settings, advance_sandbox_clock
):
    from operations.jobs.services import Upload

    invoice = find_invoice(tenant, "Balanced")
    job = queue(
        tenant,
        invoice,
        operation="attach",
        payload={"line_number": 1},
        upload=Upload("note.pdf", "application/pdf", b"%PDF-1.4 note"),
    )
    services.job_send(job.pk)
    job = run_until_ended(job, advance_sandbox_clock)
    assert job.outcome == JobOutcome.VERIFIED
    assert (job.file.name, job.file.size, bytes(job.file.content)) == ("note.pdf", 13, b"")
    from operations.erp import StaffClient

    with StaffClient(tenant) as erp:
        line = erp.client.supplier_invoices.get(invoice.number, "Invoice").invoice_lines[0]
    assert [(a.name, a.revision) for a in line.attachments] == [("note.pdf", 1)]


@pytest.mark.parametrize(
    "payload",
    [None, [], "x" * 100_000, {"statusCode": "not a number", "id": ["nested"]}, {"id": "a" * 5000}],
)
def test_a_malformed_notification_moves_nothing(tenant, erp_settings, payload):
    invoice = find_invoice(tenant, "Balanced")
    job = queue(tenant, invoice)
    services.job_send(job.pk)
    event = Event(
        delivery_id=4,
        source=Source.BACKGROUND_URL,
        event_type="",
        erp_tenant_id="",
        notification_id="n-4",
        headers={},
        payload=payload,
    )
    assert on_background_url_callback(event) == "no job matches"
    job.refresh_from_db()
    assert job.status == JobStatus.ACCEPTED and job.notified_at is None


def test_the_sandboxs_signed_notification_finishes_the_job(
    tenant, erp_settings, advance_sandbox_clock
):
    """Over the wire: the sandbox signs BACKGROUND_API_RESPONSE with the client's key and sends
    our correlation pair back as a header; verified as the inbox does, it finishes the job."""
    import base64
    import hashlib
    import hmac
    import json

    from erpsim.world import DEMO_CLIENTS

    from .receiver import receiver

    client = next(c for c in DEMO_CLIENTS if c["client_id"] == tenant.api_client.client_id)
    key = "test-signing-key"
    with receiver() as (url, deliveries):
        erp_settings.control(
            "POST",
            "/_sandbox/clients",
            {
                "client_id": client["client_id"],
                "client_secret": client["client_secret"],
                "type": client["type"],
                "webhook_url": url,
                "webhook_secret": key,
            },
        )
        invoice = find_invoice(tenant, "Balanced")
        job = queue(tenant, invoice)
        services.job_send(job.pk)
        advance_sandbox_clock(2)  # the ERP runs it and notifies before answering
        erp_settings.control("POST", "/_sandbox/webhooks/flush")
    assert len(deliveries) == 1
    headers, raw = deliveries[0]
    signature = base64.b64encode(hmac.new(key.encode(), raw, hashlib.sha256).digest()).decode()
    assert hmac.compare_digest(headers["x-vwd-signature-v1"], signature)
    assert headers["x-job-id"] == str(job.correlation_id)
    event = Event(
        delivery_id=9,
        source=Source.VISMA,
        event_type=headers["x-vwd-event-id"],
        erp_tenant_id=headers["x-vwd-tenant-id"],
        notification_id=headers["x-vwd-notification-id"],
        headers=headers,
        payload=json.loads(raw),
    )
    assert on_background_response(event) == f"job {job.pk} notified"
    progress.job_advance(job.pk)
    job.refresh_from_db()
    assert (job.finished_by, job.outcome, job.verified_status) == (
        FinishedBy.WEBHOOK,
        JobOutcome.VERIFIED,
        "Open",
    )
    assert job.erp_calls == 3
