"""Several processes push one company's budget through the limiter at once: never more than the
budget gets through, on Redis and on the database."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.usage.helpers import TEST_REDIS_URL, drop_prefix, redis_or_skip

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4
CALLS_EACH = 60
LIMIT = 100
# Each worker's first calls, taken before the race: together they fit the budget.
FIRST_EACH = 5
assert WORKERS * FIRST_EACH < LIMIT < WORKERS * CALLS_EACH


def _database_url(tmp_path: Path) -> str:
    """A database every worker process can open: the test database itself on PostgreSQL; on
    SQLite (whose test database lives in this process's memory) a migrated scratch file."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings["USER"] or "postgres"
        password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
        host = settings["HOST"] or "127.0.0.1"
        port = settings["PORT"] or 5432
        return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"
    url = f"sqlite:///{tmp_path / 'concurrency.sqlite3'}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        timeout=240,
    )
    return url


def _all_say(processes: list[subprocess.Popen], word: str) -> None:
    for process in processes:
        line = process.stdout.readline().strip()
        assert line == word, f"a worker said {line!r} instead of {word!r}"


def _signal_all(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()


def _push(backend: str, tmp_path: Path) -> list[int]:
    """Every worker connects and says so; all are released together, each takes a first few
    calls (which fit the budget, so every one is in the race however the machine schedules
    them), and then all are released again to fight over what is left."""
    env = {**os.environ, "DATABASE_URL": _database_url(tmp_path)}
    prefix = f"usage-test:{uuid.uuid4().hex[:12]}:"
    tenant = f"tenant-{uuid.uuid4().hex[:8]}"
    common = ["--backend", backend, "--redis-url", TEST_REDIS_URL, "--prefix", prefix]
    common += ["--tenant", tenant, "--limit", str(LIMIT)]
    worker = [sys.executable, "-m", "tests.usage.limiter_worker"]
    run = [*worker, *common, "--calls", str(CALLS_EACH), "--first", str(FIRST_EACH)]
    processes = [
        subprocess.Popen(
            run, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        for _ in range(WORKERS)
    ]
    try:
        _all_say(processes, "ready")
        _signal_all(processes)
        _all_say(processes, "first")
        _signal_all(processes)
        outputs = [process.communicate(timeout=240)[0] for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        if backend == "redis":
            drop_prefix(redis_or_skip(), prefix)
    assert all(process.returncode == 0 for process in processes)
    return [int(output.strip()) for output in outputs]


def test_processes_never_get_more_than_the_budget_through_redis(tmp_path):
    redis_or_skip()
    went = _push("redis", tmp_path)
    assert WORKERS * CALLS_EACH > LIMIT
    assert sum(went) == LIMIT
    assert len([count for count in went if count > 0]) > 1  # they really competed


@pytest.mark.smoke
def test_processes_never_get_more_than_the_budget_through_the_database(tmp_path):
    went = _push("database", tmp_path)
    assert sum(went) == LIMIT
    assert len([count for count in went if count > 0]) > 1
