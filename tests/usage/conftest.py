from __future__ import annotations

import pytest

from tests.usage.helpers import isolated_usage


@pytest.fixture(autouse=True)
def usage_isolation(settings):
    yield from isolated_usage(settings)
