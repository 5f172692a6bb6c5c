"""Fixtures for tests of the Background API: a sandbox whose background delay is a minute, so
nothing queued runs until a test moves the virtual clock (no sleeping, no races)."""

from __future__ import annotations

import pytest

from erpsim.testing import SandboxServer

BACKGROUND_DELAY = 60


@pytest.fixture(scope="module")
def slow_server():
    with SandboxServer(world="demo", seed=1, background_delay=BACKGROUND_DELAY) as server:
        yield server


@pytest.fixture
def slow_sandbox(slow_server):
    """The module's slow sandbox, reset to its seeded world before the test."""
    slow_server.reset()
    return slow_server
