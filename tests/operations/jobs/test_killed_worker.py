"""A real Celery worker killed in the middle of a job: the action is sent exactly once and the job
still ends verified by GET, once the sweep (or the broker's redelivery) runs its step again."""

from __future__ import annotations

import signal
import uuid

import pytest
from django.db import connection

from operations.jobs import tasks
from operations.jobs.models import BackgroundJob, JobOutcome, JobStatus, Step
from tests.worker_process import celery_worker, wait_for

from .helpers import find_invoice, posts_to, queue

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setup(erp_settings, make_tenant, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process must reach the test database; CI runs this on PostgreSQL")
    settings.OPERATIONS_JOBS_QUEUE = f"jobs-test-{uuid.uuid4().hex[:8]}"
    settings.OPERATIONS_JOB_SWEEP_GRACE_SECONDS = 0
    tenant = make_tenant("healthy")
    yield tenant
    erp_settings.control("POST", "/_sandbox/reset")


def _worker(settings, sandbox):
    return celery_worker(
        settings,
        sandbox.url,
        settings.OPERATIONS_JOBS_QUEUE,
        OPERATIONS_JOB_NOTIFY_WAIT_SECONDS="0.2",
        OPERATIONS_JOB_POLL_FIRST_SECONDS="0.2",
        OPERATIONS_TIMEOUT_SECONDS="120",
    )


def _job(pk):
    return BackgroundJob.objects.get(pk=pk)


def _background_ops(sandbox, number):
    return [
        op
        for op in sandbox.control("GET", "/_sandbox/background")
        if op.get("path", "").endswith(f"/{number}/action/release")
    ]


def test_killed_between_sent_and_accepted(setup, erp_settings, settings):
    tenant = setup
    invoice = find_invoice(tenant, "Balanced")
    path = f"/v1/supplierInvoice/Invoice/{invoice.number}/action/release"
    # The ERP queues the action, then its answer never comes: the worker waits on it.
    erp_settings.control(
        "POST",
        "/_sandbox/faults/lost-answer",
        {"method": "POST", "path": path, "mode": "timeout", "hold_seconds": 30},
    )
    with _worker(settings, erp_settings) as worker:
        job = queue(tenant, invoice)
        wait_for(lambda: _job(job.pk).sent_at is not None, "the worker to mark the job sent")
        wait_for(lambda: _background_ops(erp_settings, invoice.number), "the ERP to queue it")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    job = _job(job.pk)
    assert (job.status, job.erp_request_id) == (JobStatus.QUEUED, ""), "no 202 was recorded"

    with _worker(settings, erp_settings):
        assert tasks.sweep() >= 1  # what the broker's redelivery would also do
        wait_for(lambda: _job(job.pk).ended, "the job to end")
    job = _job(job.pk)
    # The held request never completes, so the ERP's own list of queued operations counts it.
    assert len(_background_ops(erp_settings, invoice.number)) == 1, "sent exactly once"
    assert job.outcome == JobOutcome.VERIFIED
    assert job.verified_status == "Open"
    steps = [e.step for e in job.events.all()]
    assert Step.NO_ANSWER in steps and steps[-1] == Step.VERIFIED


def test_killed_between_finished_and_verified(setup, erp_settings, settings):
    tenant = setup
    invoice = find_invoice(tenant, "Balanced")
    # The GET that verifies is held: the worker is killed while it waits.
    erp_settings.control(
        "POST",
        "/_sandbox/faults/lost-answer",
        {
            "method": "GET",
            "path": f"/v1/supplierInvoice/Invoice/{invoice.number}",
            "mode": "timeout",
            "hold_seconds": 30,
        },
    )
    with _worker(settings, erp_settings) as worker:
        job = queue(tenant, invoice)
        wait_for(
            lambda: _job(job.pk).events.filter(step=Step.CONTENT).exists(),
            "the job to finish and keep its content",
        )
        wait_for(
            lambda: not erp_settings.control("GET", "/_sandbox/faults/lost-answer"),
            "the verifying GET to reach the ERP",
        )
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    job = _job(job.pk)
    assert job.status == JobStatus.FINISHED and job.outcome == JobOutcome.PENDING

    with _worker(settings, erp_settings):
        assert tasks.sweep() >= 1
        wait_for(lambda: _job(job.pk).ended, "the job to end")
    job = _job(job.pk)
    path = f"/v1/supplierInvoice/Invoice/{invoice.number}/action/release"
    assert len(posts_to(erp_settings, path, job)) == 1
    assert len(_background_ops(erp_settings, invoice.number)) == 1
    assert job.outcome == JobOutcome.VERIFIED and job.verified_status == "Open"
