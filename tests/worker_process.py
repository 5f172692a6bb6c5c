"""A real Celery worker process, on a queue of the test's own, for the tests that need one (a
worker killed mid-task, a browser page following a job)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    auth = f"{user}:{db['PASSWORD']}" if db["PASSWORD"] else user
    return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition, what: str, timeout: float = 90.0) -> None:
    # A bound on a wait for something that must happen, not a guess at how long it takes.
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.05)


@contextmanager
def celery_worker(settings, sandbox_url: str, queue: str, **env_overrides: str):
    """A solo-pool worker consuming ``queue``; yields the process (kill it to test a crash)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SANDBOX_URL": sandbox_url,
        "USAGE_REDIS_PREFIX": settings.USAGE_REDIS_PREFIX,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "OPERATIONS_JOBS_QUEUE": queue,
        **env_overrides,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool",
            "solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)
