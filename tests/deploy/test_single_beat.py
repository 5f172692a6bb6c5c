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
