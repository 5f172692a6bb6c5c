"""The repeat guard the portal shares between processes, on Django's cache: the ERP's "same
failed request twice in 5 minutes" cannot be tripped by the web and a worker between them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from erpclient.repeat_guard import SAME_REQUEST_LIMIT
from erpsim.world import DEMO_CLIENTS, DEMO_TENANTS
from tenants.repeat_guard import CacheRepeatGuard
from tests.usage.helpers import TEST_REDIS_URL, redis_or_skip

ROOT = Path(__file__).resolve().parents[2]
CLIENT = next(c for c in DEMO_CLIENTS if c["client_id"] == "isv_demo_test")
HEALTHY = next(t for t in DEMO_TENANTS if t["scenario"] == "healthy")


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_two_failures_refuse_the_third_try_until_five_minutes_have_passed():
    clock = Clock()
    web, worker = CacheRepeatGuard(clock=clock), CacheRepeatGuard(clock=clock)
    web.failed("GET /x", "404 NotFound")
    assert worker.check("GET /x") is None
    clock.now += 10
    worker.failed("GET /x", "404 NotFound")
    verdict = web.check("GET /x")
    assert verdict is not None and verdict.refused and verdict.wait_seconds == pytest.approx(290)
    assert "404 NotFound" in verdict.reason
    assert web.check("GET /y") is None
    clock.now += 291
    assert web.check("GET /x") is None


def test_a_sixth_identical_send_within_a_minute_is_held_until_the_oldest_is_a_minute_old():
    clock = Clock()
    guards = [CacheRepeatGuard(clock=clock) for _ in range(SAME_REQUEST_LIMIT)]
    for guard in guards:
        guard.sent("GET /x")
        clock.now += 1
    verdict = guards[0].check("GET /x")
    assert verdict is not None and not verdict.refused
    assert verdict.wait_seconds == pytest.approx(55)
    clock.now += 55
    assert guards[0].check("GET /x") is None
    guards[1].sent("GET /x")  # the oldest slot is taken over, not a seventh one made
    assert guards[2].check("GET /x") is not None


def test_a_fresh_namespace_forgets_the_shared_history():
    clock = Clock()
    shared = CacheRepeatGuard(clock=clock)
    shared.failed("GET /x", "500 ServerError")
    shared.failed("GET /x", "500 ServerError")
    assert CacheRepeatGuard(clock=clock).check("GET /x") is not None
    assert CacheRepeatGuard(namespace="other", clock=clock).check("GET /x") is None


def _cache_url(backend: str, tmp_path: Path) -> dict[str, str]:
    """The environment of a portal process on ``backend``: Redis, or the database cache of the
    embedded default (a SQLite file both processes open)."""
    if backend == "redis":
        redis_or_skip()
        return {"CACHE_URL": f"{TEST_REDIS_URL}?key_prefix=guard-{uuid.uuid4().hex[:8]}"}
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "CACHE_URL": "dbcache://portal_cache",
    }
    subprocess.run(
        [sys.executable, "manage.py", "createcachetable"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        check=True,
        timeout=120,
    )
    return env


def _process(sandbox, env: dict[str, str], number: str, tries: int) -> list[str]:
    command = [sys.executable, "-m", "tests.tenants.repeat_guard_worker", sandbox.url]
    command += [CLIENT["client_id"], CLIENT["client_secret"], HEALTHY["tenant_id"], number]
    done = subprocess.run(
        [*command, str(tries)],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.parametrize("backend", ["redis", "database"])
def test_a_request_that_failed_twice_in_one_process_is_not_sent_by_another(
    sandbox, tmp_path, backend
):
    env = _cache_url(backend, tmp_path)
    number = f"MISSING{time.monotonic_ns() % 100000}"
    assert _process(sandbox, env, number, 2) == ["NotFound", "NotFound"]
    assert _process(sandbox, env, number, 1) == ["RepeatedRequestRefused"]
    sent = [
        entry
        for entry in sandbox.control("GET", "/_sandbox/requests")
        if entry["path"].endswith(f"/{number}")
    ]
    assert [entry["status"] for entry in sent] == [404, 404]
