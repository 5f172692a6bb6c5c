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


@pytest.fixture
def company(db):
    """One registered company of a test client (500 calls an hour)."""
    from usage import services

    return services.metered_company_sync(
        client_id="isv_test",
        tenant_id="tenant-a",
        company_id=4712001,
        name="Nordlys Handel AS",
        client_type="test",
        hourly_limit=500,
        tenant_pk=3,
        active=True,
    )
