"""The settings refuse an unsafe production start and pass Django's deployment checks."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from portal.startup_checks import DEVELOPMENT_SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.smoke


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="portal.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_to_start_without_encryption_keys():
    result = _manage(
        "check", DJANGO_ENV="production", SECRET_KEY="x" * 64, ALLOWED_HOSTS="portal.example.com"
    )
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS is not set" in result.stderr


def test_an_unknown_profile_is_named_in_the_error():
    result = _manage("check", DJANGO_ENV="staging")
    assert result.returncode != 0
    assert "DJANGO_ENV must be development, test or production" in result.stderr


def test_production_profile_passes_check_deploy_without_warnings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY="k" + "s3cr3t-production-key-" * 4,
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="portal.example.com",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_development_defaults_to_the_sandbox_erp(settings):
    # The test run's own profile (test) talks to the sandbox ERP, as development does.
    assert settings.PORTAL_SANDBOX is True
    assert settings.VISMA_CONNECT_URL == settings.ERP_API_URL == settings.SANDBOX_URL


def test_only_the_test_profile_uses_the_fast_password_hasher(settings, monkeypatch):
    assert settings.DJANGO_ENV == "test"
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The settings module read again as development would read it: Django's own (PBKDF2) hashers.
    monkeypatch.setenv("DJANGO_ENV", "development")
    development = runpy.run_path(str(ROOT / "portal" / "settings.py"))
    assert development["DJANGO_ENV"] == "development"
    assert "PASSWORD_HASHERS" not in development


SAFE_PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k" + "s3cr3t-production-key-" * 4,
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "ALLOWED_HOSTS": "portal.example.com",
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"SECRET_KEY": DEVELOPMENT_SECRET_KEY},
            "SECRET_KEY is the published development key",
        ),
        (
            {"FIELD_ENCRYPTION_KEYS": f"{Fernet.generate_key().decode()},not-a-fernet-key"},
            "FIELD_ENCRYPTION_KEYS: key 2 of 2 is not a Fernet key",
        ),
        ({"DEBUG": "on"}, "DEBUG is on"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is empty"),
        ({"PORTAL_SANDBOX": "on"}, "PORTAL_SANDBOX is on"),
    ],
)
def test_production_refuses_an_unsafe_setting_in_one_line(change, message):
    result = _manage("check", **{**SAFE_PRODUCTION, **change})
    assert result.returncode != 0
    assert message in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_encryption_key_is_refused_in_development_too():
    result = _manage("check", FIELD_ENCRYPTION_KEYS="short")
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS: key 1 of 1 is not a Fernet key" in result.stderr


def test_the_sandbox_erp_is_not_offered_without_the_sandbox(settings, db):
    from django.core.exceptions import ValidationError

    from tenants import erp, services
    from tenants.forms import ApiClientForm
    from tenants.models import ApiClient, Environment

    assert Environment.SANDBOX in dict(ApiClientForm().fields["environment"].choices)
    settings.PORTAL_SANDBOX = False
    data = {
        "name": "Prod client",
        "client_id": "isv_prod",
        "client_secret": "s",
        "client_type": "production",
        "environment": Environment.SANDBOX,
    }
    form = ApiClientForm(data)
    assert Environment.SANDBOX not in dict(form.fields["environment"].choices)
    assert not form.is_valid() and "environment" in form.errors
    with pytest.raises(ValidationError, match="for development only"):
        services.api_client_create(actor=None, **data)
    legacy = ApiClient(name="Old", client_id="isv_old", environment=Environment.SANDBOX)
    with pytest.raises(ValueError, match="PORTAL_SANDBOX is off"):
        erp.urls_for(legacy)
