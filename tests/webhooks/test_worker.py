"""The whole path with a real Celery worker on the configured broker: the endpoint commits the
delivery, the task (pk only) goes through the broker, a worker runs the handler."""

from __future__ import annotations

import time

import pytest
from django.conf import settings

from portal.celery import app
from tests.conftest import purge_broker
from webhooks.handlers import Source
from webhooks.models import DeliveryStatus, InboundDelivery

from .conftest import notification

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(condition, seconds: float = 30.0):
    """Poll ``condition`` until it holds (a condition, not a timed assertion)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError("the condition did not hold in time")


@pytest.fixture
def worker():
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        pytest.skip("needs a broker server (CELERY_BROKER_URL), as production has")
    from celery.contrib.testing.worker import start_worker

    purge_broker()  # messages other tests queued without a worker
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def test_a_delivery_is_processed_by_a_worker_after_commit(
    subscription, post_signed, handled, worker
):
    seen = []
    handled(Source.VISMA, "apinvoice_statuschanged", lambda event: seen.append(event) or "done")
    response = post_signed(notification())
    assert response.status_code == 202
    pk = response.json()["delivery"]
    delivery = wait_for(
        lambda: InboundDelivery.objects.filter(pk=pk, status=DeliveryStatus.PROCESSED).first()
    )
    assert delivery.outcome == "done" and delivery.attempts == 1
    assert [event.delivery_id for event in seen] == [pk]
