"""Processing: the registered handler gets the event once; failures keep their traceback and can
be processed again; duplicates never reach a handler."""

from __future__ import annotations

import pytest

from portal.celery import app
from portal.models import AuditEvent
from webhooks import services
from webhooks.handlers import Ignore, Source
from webhooks.models import DeliveryStatus, InboundDelivery

from .conftest import TENANT, notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def only_the_tests_handlers(monkeypatch):
    """The apps' handlers (operations handles every dispatcher event) are not these tests'
    subject: each test registers its own."""
    from webhooks import handlers

    monkeypatch.setattr(handlers, "_HANDLERS", {})


@pytest.fixture
def eager_celery():
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def post_and_process(post_signed, capture, payload):
    """Post one notification and run what the commit queued, as a worker would."""
    with capture(execute=True):
        response = post_signed(payload)
    return response


def test_the_handler_gets_the_verified_event_through_the_celery_task(
    subscription, post_signed, handled, eager_celery, django_capture_on_commit_callbacks
):
    seen = []
    handled(Source.VISMA, "apinvoice_statuschanged", lambda event: seen.append(event) or "ok")
    payload = notification()
    post_and_process(post_signed, django_capture_on_commit_callbacks, payload)
    (event,) = seen
    assert event.payload == payload
    assert event.erp_tenant_id == TENANT
    assert event.notification_id == payload["notificationId"]
    assert event.verified is True
    delivery = InboundDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PROCESSED
    assert delivery.outcome == "ok" and delivery.attempts == 1


def test_a_replay_reaches_the_handler_once(
    subscription, post_signed, handled, eager_celery, django_capture_on_commit_callbacks
):
    seen = []
    handled(Source.VISMA, "apinvoice_statuschanged", seen.append)
    payload = notification()
    for _ in range(3):
        post_and_process(post_signed, django_capture_on_commit_callbacks, payload)
    assert len(seen) == 1
    assert InboundDelivery.objects.filter(status=DeliveryStatus.DUPLICATE).count() == 2


def test_a_handler_that_raises_is_stored_failed_with_its_traceback_and_can_be_reprocessed(
    subscription,
    post_signed,
    handled,
    eager_celery,
    admin,
    django_capture_on_commit_callbacks,
):
    calls = []

    def flaky(event):
        calls.append(event)
        if len(calls) == 1:
            raise RuntimeError("the ERP did not answer")
        return "refreshed"

    handled(Source.VISMA, "apinvoice_statuschanged", flaky)
    post_and_process(post_signed, django_capture_on_commit_callbacks, notification())
    delivery = InboundDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == "RuntimeError: the ERP did not answer"
    assert "Traceback" in delivery.traceback and "flaky" in delivery.traceback

    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_reprocess(actor=admin, delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PROCESSED
    assert delivery.attempts == 2 and delivery.traceback == "" and delivery.last_error == ""
    assert AuditEvent.objects.filter(action="webhooks.delivery_reprocess").count() == 1


def test_a_duplicate_or_rejected_delivery_cannot_be_reprocessed(subscription, post_signed, admin):
    from django.core.exceptions import ValidationError

    payload = notification()
    post_signed(payload)
    post_signed(payload)
    post_signed(notification(), key="forged-0123456789abcdef")
    for delivery in InboundDelivery.objects.exclude(status=DeliveryStatus.QUEUED):
        with pytest.raises(ValidationError):
            services.delivery_reprocess(actor=admin, delivery=delivery)


def test_an_event_nobody_handles_is_stored_as_unhandled(
    subscription, post_signed, eager_celery, django_capture_on_commit_callbacks
):
    post_and_process(post_signed, django_capture_on_commit_callbacks, notification("nobody_x"))
    delivery = InboundDelivery.objects.get()
    assert delivery.status == DeliveryStatus.UNHANDLED
    assert "No handler" in delivery.outcome


def test_a_handler_may_ignore_a_delivery(
    subscription, post_signed, handled, eager_celery, django_capture_on_commit_callbacks
):
    def ignore(event):
        raise Ignore("No tenant of the portal has that tenant id.")

    handled(Source.VISMA, "apinvoice_statuschanged", ignore)
    post_and_process(post_signed, django_capture_on_commit_callbacks, notification())
    delivery = InboundDelivery.objects.get()
    assert delivery.status == DeliveryStatus.IGNORED
    assert delivery.outcome == "No tenant of the portal has that tenant id."


def test_the_source_fallback_handler_is_used(
    subscription, post_signed, handled, eager_celery, django_capture_on_commit_callbacks
):
    handled(Source.VISMA, "*", lambda event: f"fallback for {event.event_type}")
    post_and_process(post_signed, django_capture_on_commit_callbacks, notification("odd_event"))
    assert InboundDelivery.objects.get().outcome == "fallback for odd_event"


def test_a_delivery_taken_by_another_worker_is_not_processed_twice(subscription, post_signed):
    post_signed(notification())
    delivery = InboundDelivery.objects.get()
    assert services.delivery_process(pk=delivery.pk) == DeliveryStatus.UNHANDLED
    assert services.delivery_process(pk=delivery.pk) is None
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_a_range_is_queued_again_oldest_first_within_the_limit(
    subscription, post_signed, admin, settings, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    for _ in range(3):
        post_signed(notification("nobody_y"))
    for delivery in InboundDelivery.objects.all():
        services.delivery_process(pk=delivery.pk)
    settings.WEBHOOKS_REPROCESS_MAX = 2
    now = timezone.now()
    with django_capture_on_commit_callbacks() as callbacks:
        result = services.deliveries_reprocess_range(
            actor=admin,
            source="visma",
            start=now - dt.timedelta(hours=1),
            end=now + dt.timedelta(minutes=1),
            statuses=["unhandled"],
        )
    assert result.queued == 2 and result.more is True
    assert len(callbacks) == 2
    assert InboundDelivery.objects.filter(status=DeliveryStatus.QUEUED).count() == 2
    assert AuditEvent.objects.filter(action="webhooks.deliveries_reprocess_range").exists()


def test_retention_deletes_old_deliveries_only(subscription, post_signed, settings):
    import datetime as dt

    from django.utils import timezone

    post_signed(notification())
    post_signed(notification())
    old = InboundDelivery.objects.first()
    InboundDelivery.objects.filter(pk=old.pk).update(
        received_at=timezone.now() - dt.timedelta(days=settings.WEBHOOKS_RETENTION_DAYS + 1)
    )
    assert services.deliveries_prune() == 1
    assert InboundDelivery.objects.count() == 1


def test_a_broker_that_refuses_the_hand_over_still_answers_202_and_the_delivery_is_sent_again(
    subscription, post_signed, monkeypatch, settings, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    from webhooks import tasks

    def broker_down(*args):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.hand_over, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_signed(notification())
    assert response.status_code == 202
    delivery = InboundDelivery.objects.get()
    assert delivery.status == DeliveryStatus.QUEUED and delivery.queued_at is None

    sent = []
    monkeypatch.setattr(tasks.process_delivery, "delay", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_requeue_stale() == 0  # not stale yet
    later = timezone.now() + dt.timedelta(seconds=settings.WEBHOOKS_REQUEUE_AFTER_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_requeue_stale(now=later) == 1
    assert sent == [delivery.pk]


def test_a_processing_task_the_broker_lost_is_sent_again_once_stale(
    subscription, post_signed, monkeypatch, settings, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    from webhooks import handoff, tasks

    monkeypatch.setattr(tasks.hand_over, "delay", lambda: None)
    lost = []
    monkeypatch.setattr(tasks.process_delivery, "delay", lost.append)
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(notification())
    assert handoff.hand_over_queued() == 1  # handed over, but the message never arrives
    delivery = InboundDelivery.objects.get()
    assert lost == [delivery.pk] and delivery.queued_at is not None
    assert handoff.hand_over_queued() == 0  # a second round does not hand it over again

    sent = []
    monkeypatch.setattr(tasks.process_delivery, "delay", sent.append)
    later = timezone.now() + dt.timedelta(seconds=settings.WEBHOOKS_REQUEUE_AFTER_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_requeue_stale(now=later) == 1
    assert sent == [delivery.pk]
