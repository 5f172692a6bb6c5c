"""Exactly one scheduler: Procfile.production's two beats share redbeat's lock in Redis; the
second stays idle while the first runs and takes over when the first is killed."""

from __future__ import annotations

import signal

import pytest

from bench.stack import wait_for

pytestmark = pytest.mark.timeout(180)

SENT = "Sending due task"


def sent(stack, name: str) -> int:
    return stack[name].log().count(SENT)


def test_the_second_beat_waits_and_takes_over_when_the_first_dies(stack, stack_env, private_redis):
    stack_env.update(
        REDIS_URL=private_redis.url(0),
        CELERY_BROKER_URL=private_redis.url(1),
        REDBEAT_LOCK_TIMEOUT="11",
    )
    stack.add("beat1", "beat2")
    stack.start("beat1")
    # beat1 holds the lock: it sends usage.flush every 5 s (REDIS_URL is set).
    wait_for(lambda: sent(stack, "beat1") >= 1, timeout=60, what="beat1 to send a task")
    stack.start("beat2")
    wait_for(lambda: "beat: Starting" in stack["beat2"].log(), timeout=60, what="beat2 to start")
    before = sent(stack, "beat1")
    wait_for(lambda: sent(stack, "beat1") >= before + 3, timeout=60, what="beat1 to go on")
    assert sent(stack, "beat2") == 0, "a second beat sent tasks while the first held the lock"

    stack["beat1"].kill(signal.SIGKILL)  # no chance to release the lock
    wait_for(lambda: sent(stack, "beat2") >= 1, timeout=60, what="beat2 to take over")
    assert stack["beat2"].alive()
    # redbeat found its Redis under the CELERY_ namespace: no warning that it fell back.
    assert "falling back" not in stack["beat1"].log() + stack["beat2"].log()


def test_workers_run_below_the_webs_cpu_priority_and_the_setting_moves_them(stack, stack_env):
    """Procfile.production's workers start under ``nice`` (WORKER_NICE, default 10), so on a host
    shared with gunicorn the pages come first. The workers consume a queue nobody sends to."""
    import os

    stack_env["WORKER_QUEUES"] = "priority-test-only"
    stack.add("worker1")
    stack.start("worker1")
    wait_for(lambda: "ready" in stack["worker1"].log(), timeout=60, what="worker1 to be ready")
    assert os.getpriority(os.PRIO_PROCESS, stack["worker1"].pid) == 10
    stack.stop()

    stack_env["WORKER_NICE"] = "3"
    stack.add("worker2")
    stack.start("worker2")
    wait_for(lambda: "ready" in stack["worker2"].log(), timeout=60, what="worker2 to be ready")
    assert os.getpriority(os.PRIO_PROCESS, stack["worker2"].pid) == 3
