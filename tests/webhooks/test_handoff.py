"""Handing deliveries to Celery (webhooks/handoff.py): a burst costs one hand-over message, every
committed delivery is handed over exactly once, and none is left behind when a round runs while
more arrive."""

from __future__ import annotations

import pytest

from webhooks import handoff, tasks
from webhooks.models import DeliveryStatus, InboundDelivery

from .conftest import notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(monkeypatch):
    """What would have gone to the broker: ("hand_over",) rounds and ("process", pk) tasks."""
    sent: list[tuple] = []
    monkeypatch.setattr(tasks.hand_over, "delay", lambda: sent.append(("hand_over",)))
    monkeypatch.setattr(tasks.process_delivery, "delay", lambda pk: sent.append(("process", pk)))
    return sent


def post_committed(post_signed, capture, count: int) -> list[int]:
    pks = []
    for _ in range(count):
        with capture(execute=True):
            response = post_signed(notification())
        assert response.status_code == 202
        pks.append(response.json()["delivery"])
    return pks


def test_a_burst_of_deliveries_publishes_one_hand_over_round(
    subscription, post_signed, published, django_capture_on_commit_callbacks
):
    pks = post_committed(post_signed, django_capture_on_commit_callbacks, 5)
    assert published == [("hand_over",)]
    assert not InboundDelivery.objects.filter(queued_at__isnull=False).exists()

    assert handoff.hand_over_queued() == 5
    assert published[1:] == [("process", pk) for pk in pks]
    assert InboundDelivery.objects.filter(queued_at__isnull=True).count() == 0


def test_a_delivery_after_the_round_began_announces_a_new_round(
    subscription, post_signed, published, django_capture_on_commit_callbacks
):
    (first,) = post_committed(post_signed, django_capture_on_commit_callbacks, 1)
    handoff.hand_over_queued()
    (second,) = post_committed(post_signed, django_capture_on_commit_callbacks, 1)
    assert published == [("hand_over",), ("process", first), ("hand_over",)]
    assert handoff.hand_over_queued() == 1
    assert published[-1] == ("process", second)


def test_a_round_hands_over_at_most_its_batch_and_asks_for_another(
    subscription, post_signed, published, django_capture_on_commit_callbacks
):
    pks = post_committed(post_signed, django_capture_on_commit_callbacks, 3)
    published.clear()
    assert handoff.hand_over_queued(limit=2) == 2
    assert published == [("process", pks[0]), ("process", pks[1]), ("hand_over",)]
    assert handoff.hand_over_queued(limit=2) == 1
    assert published[-1] == ("process", pks[2])


def test_rejected_and_duplicate_deliveries_are_never_handed_over(
    subscription, post_signed, published, django_capture_on_commit_callbacks
):
    payload = notification()
    with django_capture_on_commit_callbacks(execute=True):
        assert post_signed(payload).status_code == 202
        assert post_signed(payload).status_code == 200  # the replay
        assert post_signed(notification(), key="forged-key").status_code == 401
    assert handoff.hand_over_queued() == 1
    assert [entry[0] for entry in published] == ["hand_over", "process"]
    assert InboundDelivery.objects.filter(status=DeliveryStatus.QUEUED).count() == 1


def test_a_cache_that_fails_still_hands_the_delivery_over(
    subscription, post_signed, published, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    def cache_down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(cache, "add", cache_down)
    post_committed(post_signed, django_capture_on_commit_callbacks, 2)
    assert published == [("hand_over",), ("hand_over",)]  # one round each, never none


def test_metrics_show_the_backlog_and_how_long_the_oldest_has_waited(
    subscription, post_signed, published, client, settings, django_capture_on_commit_callbacks
):
    import datetime as dt
    import re

    settings.USAGE_METRICS_TOKEN = "metrics-token"
    pks = post_committed(post_signed, django_capture_on_commit_callbacks, 2)
    InboundDelivery.objects.filter(pk=pks[0]).update(
        received_at=InboundDelivery.objects.get(pk=pks[0]).received_at - dt.timedelta(minutes=3)
    )

    def scrape() -> str:
        return client.get("/metrics", HTTP_AUTHORIZATION="Bearer metrics-token").content.decode()

    text = scrape()
    assert "portal_webhooks_deliveries_queued 2.0" in text
    (age,) = re.findall(r"^portal_webhooks_oldest_not_handed_over_seconds (\S+)$", text, re.M)
    assert 180 <= float(age) < 3600

    handoff.hand_over_queued()
    text = scrape()
    assert "portal_webhooks_deliveries_queued 2.0" in text  # handed over, not processed yet
    assert "portal_webhooks_oldest_not_handed_over_seconds 0.0" in text


def test_the_process_announces_from_its_own_thread_never_the_requests(
    subscription, post_signed, published, monkeypatch, settings, django_capture_on_commit_callbacks
):
    import threading

    settings.WEBHOOKS_ANNOUNCE_DELAY_SECONDS = 0.05
    announcer = handoff._Announcer()  # this test's own thread, stopped at its end
    monkeypatch.setattr(handoff, "_announcer", announcer)
    announced_by: list[str] = []
    done = threading.Event()
    real_announce = handoff.announce

    def announce() -> None:
        announced_by.append(threading.current_thread().name)
        real_announce()
        done.set()

    monkeypatch.setattr(handoff, "announce", announce)
    try:
        pks = post_committed(post_signed, django_capture_on_commit_callbacks, 5)
        assert done.wait(timeout=30), "the announcing thread never announced"
    finally:
        announcer.stop()
    assert set(announced_by) == {"webhooks-announcer"}  # never a request's thread
    assert published[0] == ("hand_over",)
    assert handoff.hand_over_queued() == 5
    assert [entry for entry in published if entry[0] == "process"] == [
        ("process", pk) for pk in pks
    ]


def test_stopping_makes_the_due_announcement_and_ends_the_thread(monkeypatch, settings):
    settings.WEBHOOKS_ANNOUNCE_DELAY_SECONDS = 3600  # only stop() can cut this short
    calls = []
    monkeypatch.setattr(handoff, "announce", lambda: calls.append("announce"))
    announcer = handoff._Announcer()

    announcer.due()
    announcer.stop()

    assert calls == ["announce"]
    assert not announcer._thread.is_alive()
    announcer.flush()
    assert calls == ["announce"]  # nothing due any more
