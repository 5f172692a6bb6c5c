"""A real Celery worker on the configured broker runs a task end to end."""

from __future__ import annotations

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache

from portal.celery import app
from portal.tasks import WORKER_HEARTBEAT_KEY, heartbeat

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.smoke]


def test_the_settings_keep_tasks_safe():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit
    assert "portal.heartbeat" in {entry["task"] for entry in app.conf.beat_schedule.values()}


def test_a_worker_runs_the_heartbeat_task(empty_broker):
    cache.delete(WORKER_HEARTBEAT_KEY)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = heartbeat.delay()
        stamp = result.get(timeout=30)
    assert cache.get(WORKER_HEARTBEAT_KEY) == stamp


def test_healthz_says_when_a_worker_was_last_seen(client):
    cache.set(WORKER_HEARTBEAT_KEY, "2026-11-26T12:00:00+00:00")
    assert client.get("/healthz").json()["worker_seen"] == "2026-11-26T12:00:00+00:00"
