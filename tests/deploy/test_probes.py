"""/livez and /readyz: no login, ok/error per dependency, 503 while a dependency is down."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

pytestmark = pytest.mark.django_db


def test_livez_answers_without_login_and_asks_no_dependency(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # down: liveness must not care
    response = client.get("/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_database_broker_and_cache(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "cache": "ok"}


def test_readyz_is_503_while_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "broker": "error",
        "cache": "ok",
    }


def test_readyz_is_503_while_the_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["cache"] == "error"
    assert response.json()["database"] == "ok"


def test_readyz_is_503_while_the_database_is_down_and_says_no_more(tmp_path):
    """A process of its own whose DATABASE_URL points where no server listens."""
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/readyz');"
        "print(r.status_code, r.content.decode())"
    )
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://portal@127.0.0.1:1/portal",
        "CACHE_URL": "locmemcache://",
        "ALLOWED_HOSTS": "testserver",
        "PORTAL_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    status, body = done.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert '"database": "error"' in body
    assert "127.0.0.1" not in body and "portal@" not in body


def test_production_does_not_redirect_probes_to_https():
    """The TLS terminator redirects people; an orchestrator probes the container over HTTP."""
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "print(Client().get('/livez').status_code, Client().get('/tenants/').status_code)"
    )
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": "x" * 64,
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["200", "301"]
