"""The portal's Redis cache keeps one Redis client per server (Django's builds one per call) and
still behaves as Django's cache on a real Redis."""

from __future__ import annotations

import os
import threading
import uuid

import pytest
from django.core.cache import caches

REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = pytest.mark.skipif(
    not REDIS_URL, reason="needs a Redis server (REDIS_URL), as production has"
)


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": {
            "BACKEND": "portal.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4()}",
        },
    }
    cache = caches["shared"]
    yield cache
    cache.delete_many(["flag", "counter"])  # not clear(): that empties the whole database


def test_every_call_uses_the_same_client(redis_cache):
    client = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client(write=True) is client
    assert redis_cache._cache.get_client() is client  # one server: reads and writes share it


def test_it_is_still_a_cache_with_atomic_add(redis_cache):
    assert redis_cache.add("flag", 1, timeout=30) is True
    assert redis_cache.add("flag", 2, timeout=30) is False
    assert redis_cache.get("flag") == 1
    redis_cache.delete("flag")
    assert redis_cache.get("flag") is None


def test_threads_share_the_client_safely(redis_cache):
    errors = []

    def count():
        try:
            for _ in range(200):
                redis_cache.incr("counter")
        except Exception as error:  # collected, asserted below
            errors.append(error)

    redis_cache.set("counter", 0)
    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert redis_cache.get("counter") == 1600
