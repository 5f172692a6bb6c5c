"""The silence alarm: a source that normally speaks and has gone quiet opens an alarm of the
inbox's own, shown on /metrics and the dashboard, and closes when it speaks again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from webhooks import services
from webhooks.models import InboundDelivery, SilenceAlarm

from .conftest import notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def chatty_source(subscription, post_signed, settings):
    """Five verified dispatcher deliveries, the newest `quiet` ago."""
    settings.WEBHOOKS_SILENCE_MIN_DELIVERIES = 5
    settings.WEBHOOKS_SILENCE_SECONDS = {"visma": 3600}

    def make(quiet: dt.timedelta):
        for _ in range(5):
            post_signed(notification())
        InboundDelivery.objects.update(received_at=timezone.now() - quiet)

    return make


def test_a_quiet_source_that_normally_speaks_raises_an_alarm_until_it_speaks(
    chatty_source, post_signed
):
    chatty_source(dt.timedelta(hours=2))
    (alarm,) = services.silence_check()
    assert alarm.source == "visma" and alarm.resolved_at is None
    # Checked again: still one alarm.
    assert len(services.silence_check()) == 1
    post_signed(notification())
    assert services.silence_check() == []
    alarm.refresh_from_db()
    assert alarm.resolved_at is not None


def test_a_source_within_its_threshold_is_not_silent(chatty_source):
    chatty_source(dt.timedelta(minutes=30))
    assert services.silence_check() == []


def test_a_source_that_never_spoke_is_not_alarmed(db, settings):
    settings.WEBHOOKS_SILENCE_SECONDS = {"visma": 60}
    assert services.silence_check() == []


def test_the_alarm_stays_open_after_the_quiet_outlasts_the_look_back(chatty_source, settings):
    chatty_source(dt.timedelta(hours=2))
    services.silence_check()
    settings.WEBHOOKS_SILENCE_LOOKBACK_HOURS = 1  # the old deliveries no longer count
    assert len(services.silence_check()) == 1


def test_rejected_deliveries_do_not_count_as_speaking(chatty_source, post_signed):
    chatty_source(dt.timedelta(hours=2))
    post_signed(notification(), key="forged-0123456789abcdef")
    assert len(services.silence_check()) == 1


def test_metrics_show_the_alarm_and_the_seconds_since(chatty_source, client, settings):
    settings.USAGE_METRICS_TOKEN = "metrics-token"
    chatty_source(dt.timedelta(hours=2))
    services.silence_check()
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer metrics-token")
    text = response.content.decode()
    assert 'portal_webhooks_source_silent{source="visma"} 1.0' in text
    assert 'portal_webhooks_source_silent{source="statuspage"} 0.0' in text
    assert 'portal_webhooks_seconds_since_last_delivery{source="visma"}' in text


def test_the_dashboard_shows_an_open_alarm(chatty_source, client_for, viewer):
    chatty_source(dt.timedelta(hours=2))
    client = client_for(viewer)
    assert "Webhooks silent" not in client.get(reverse("dashboard")).content.decode()
    services.silence_check()
    page = client.get(reverse("dashboard")).content.decode()
    assert "Webhooks silent" in page and "Visma Webhook Dispatcher has sent nothing" in page
    assert SilenceAlarm.objects.count() == 1


def test_the_inbox_shows_an_open_alarm(chatty_source, client_for, viewer):
    chatty_source(dt.timedelta(hours=2))
    services.silence_check()
    page = client_for(viewer).get(reverse("webhooks:inbox")).content.decode()
    assert "silence-alarm" in page and "normally speaks" in page
