"""Fixtures shared by every test package."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def sandbox_server():
    """The sandbox ERP (erpsim) on a free port, over real HTTP, for the whole session."""
    from erpsim.testing import SandboxServer

    with SandboxServer(world="demo", seed=1) as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server):
    """The session's sandbox, reset to its seeded demo world before the test."""
    sandbox_server.reset()
    return sandbox_server
