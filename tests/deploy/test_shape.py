"""The production shape's settings and process file: queues by kind of work, a visibility timeout
above the longest countdown, and Procfile.production's processes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

from bench.stack import procfile
from portal.celery import app
from usage import deferral

pytestmark = pytest.mark.smoke


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("webhooks.process_delivery", "webhooks"),
        ("webhooks.hand_over", "webhooks"),
        ("operations.jobs.send", "erp_io"),
        ("operations.refresh_document", "erp_io"),
        ("tenants.check_tenants", "erp_io"),
        ("tenants.health_sweep", "sweeps"),
        ("tenants.check_batch", "sweeps"),
        ("usage.flush", "celery"),
        ("portal.heartbeat", "celery"),
    ],
)
def test_tasks_go_to_the_queue_of_their_kind(task, queue):
    assert app.amqp.router.route({}, task)["queue"].name == queue


def test_background_jobs_go_to_the_erp_io_queue():
    assert settings.OPERATIONS_JOBS_QUEUE == "erp_io"


def test_every_routed_queue_is_declared_and_a_plain_worker_consumes_them_all():
    declared = {q.name for q in app.conf.task_queues}
    assert declared == set(settings.PORTAL_QUEUES)
    assert {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} <= declared
    assert set(settings.USAGE_METRICS_QUEUES) == declared


def test_long_work_is_acknowledged_late_and_fetched_one_at_a_time():
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True


def test_redis_visibility_timeout_outlasts_the_longest_countdown():
    script = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'])"
    )
    env = {**os.environ, "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    longest = deferral.MAX_COUNTDOWN_SECONDS + deferral.JITTER_SECONDS
    assert int(done.stdout.strip()) > longest


def test_a_beat_lock_shorter_than_two_beat_loops_stops_the_start():
    script = "import django; django.setup()"
    env = {**os.environ, "REDBEAT_LOCK_TIMEOUT": "6"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert "REDBEAT_LOCK_TIMEOUT (6) must be longer than two beat loops" in done.stderr


def test_the_production_process_file_has_no_sandbox_and_no_runserver():
    lines = procfile()
    assert set(lines) == {"web", "worker1", "worker2", "beat1", "beat2"}
    text = " ".join(lines.values())
    assert "erpsim" not in text and "runserver" not in text
    assert lines["web"].startswith("gunicorn ")  # the web at normal priority, workers below it
    for worker in ("worker1", "worker2"):
        assert lines[worker].startswith("nice -n ${WORKER_NICE:-10} celery ")
    names = {lines[w].split("--hostname ")[1].split()[0] for w in ("worker1", "worker2")}
    assert names == {"worker1@%h", "worker2@%h"}
    for beat in ("beat1", "beat2"):
        assert "--scheduler redbeat.RedBeatScheduler" in lines[beat]
