""" "Check now" on a job whose send is still in flight must not start a second send task: that
task found the job sent without an answer yet and wrote "the worker stopped after sending"
into the timeline while the ERP was answering."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from operations.jobs import services
from operations.jobs.models import BackgroundJob, JobStatus, Step

from .helpers import find_invoice, queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(erp_settings, make_tenant):
    tenant = make_tenant("healthy")
    return queue(tenant, find_invoice(tenant, "Balanced"))


def _sending(job, seconds_ago: float) -> None:
    BackgroundJob.objects.filter(pk=job.pk).update(
        sent_at=timezone.now() - timedelta(seconds=seconds_ago)
    )


def test_check_now_during_a_send_in_flight_leaves_the_send_alone(
    job, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(services, "enqueue_send", sent.append)
    _sending(job, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.job_reschedule(job.pk) is True
    assert sent == []
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert not job.events.filter(step=Step.NO_ANSWER).exists()


def test_check_now_on_a_send_lost_longer_than_the_grace_finds_out(
    job, monkeypatch, settings, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(services, "enqueue_send", sent.append)
    _sending(job, settings.OPERATIONS_JOB_SWEEP_GRACE_SECONDS + 5)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.job_reschedule(job.pk) is True
    assert sent == [job.pk]


def test_check_now_on_a_job_not_sent_yet_sends_it(
    job, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(services, "enqueue_send", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.job_reschedule(job.pk) is True
    assert sent == [job.pk]
