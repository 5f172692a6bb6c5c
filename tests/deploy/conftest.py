"""Fixtures for the production shape: a private redis-server and processes from
Procfile.production (bench/stack.py), all stopped after the test."""

from __future__ import annotations

import os

import pytest

from bench.stack import PrivateRedis, Stack


@pytest.fixture
def private_redis():
    redis = PrivateRedis().start()
    yield redis
    redis.close()


@pytest.fixture
def stack_env(tmp_path) -> dict[str, str]:
    """The environment of a process of the shape: this test run's database and settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV_"))}
    env["PORTAL_VAR_DIR"] = str(tmp_path / "var")
    env["LOG_LEVEL"] = "INFO"
    return env


@pytest.fixture
def stack(stack_env, tmp_path):
    made = Stack(env=stack_env, log_dir=tmp_path / "logs")
    yield made
    made.stop()


@pytest.fixture
def make_tenant(portal_isolation, erp_settings, demo_clients):
    """make_tenant(scenario) -> a Tenant of the demo world, the portal pointed at the sandbox."""
    from tests.tenants.helpers import onboard_demo

    def make(scenario: str, client_type: str = "production", **overrides):
        return onboard_demo(demo_clients, scenario, client_type, **overrides)

    return make
