from __future__ import annotations

import pytest

from tests.usage.helpers import TEST_REDIS_URL, isolated_usage, redis_or_skip


@pytest.fixture(autouse=True)
def usage_isolation(settings):
    yield from isolated_usage(settings)


@pytest.fixture(params=["database", "redis"])
def backend(request, settings):
    """Run the test once with the database limiter and once with the Redis one."""
    if request.param == "redis":
        redis_or_skip()
        settings.USAGE_REDIS_URL = TEST_REDIS_URL
    else:
        settings.USAGE_REDIS_URL = ""
    return request.param
