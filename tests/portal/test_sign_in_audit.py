"""The audit log records sign-ins, failed sign-ins, lockouts with their length, and second
factors added, removed and failed; never a password or a code. Behind trusted proxies the
client's own address is used for both the rate limits and the audit."""

from __future__ import annotations

import json
import time

import pytest
from allauth.mfa.totp.internal import auth as totp

from portal.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "wrong-password-4711"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    # allauth counts attempts in the cache; each test gets an empty private one.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "sign-in-audit",
        }
    }
    from django.core.cache import cache

    cache.clear()


def _sign_in(client, email, password=PASSWORD, ip=None):
    extra = {"HTTP_X_FORWARDED_FOR": ip} if ip else {}
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


def _code(secret: str) -> str:
    # A code typed in the last seconds of its step may reach the server in the next one.
    left = 30 - time.time() % 30
    if left < 3:
        time.sleep(left + 0.2)
    return totp.format_hotp_value(totp.hotp_value(secret, int(time.time()) // 30))


def _everything_audited() -> str:
    return json.dumps(
        list(AuditEvent.objects.values("action", "target_label", "details", "actor_label"))
    )


def test_a_sign_in_and_a_failed_one_are_audited_without_the_password(client, viewer):
    _sign_in(client, viewer.email, WRONG)
    _sign_in(client, "nobody@isv.example", WRONG)
    _sign_in(client, viewer.email)
    failed = AuditEvent.objects.filter(action="user.sign_in_failed")
    assert {event.target_label for event in failed} == {viewer.email, "nobody@isv.example"}
    assert failed.get(target_label=viewer.email).target_id == str(viewer.pk)
    signed_in = AuditEvent.objects.get(action="user.signed_in")
    assert signed_in.actor == viewer and signed_in.ip_address == "127.0.0.1"
    assert WRONG not in _everything_audited() and PASSWORD not in _everything_audited()


def test_a_lockout_says_how_long_and_is_audited(client, viewer):
    for _ in range(5):
        _sign_in(client, viewer.email, WRONG)
    response = _sign_in(client, viewer.email)
    text = response.content.decode()
    assert "Too many failed login attempts. Try again in 5 minutes." in text
    assert "_auth_user_id" not in client.session
    lockout = AuditEvent.objects.get(action="user.locked_out")
    assert 240 < lockout.details["seconds"] <= 300
    assert lockout.target_id == str(viewer.pk)


def test_second_factors_added_failed_and_removed_are_audited(
    client, operator, django_capture_on_commit_callbacks
):
    # allauth sends these signals once its transaction commits.
    on_commit = django_capture_on_commit_callbacks
    _sign_in(client, operator.email)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session["mfa.totp.secret"]
    with on_commit(execute=True):
        response = client.post("/accounts/2fa/totp/activate/", {"code": _code(secret)})
    assert response.status_code == 302
    added = AuditEvent.objects.filter(action="user.mfa_added", target_id=str(operator.pk))
    assert "totp" in {event.details["type"] for event in added}

    client.logout()
    _sign_in(client, operator.email)
    with on_commit(execute=True):
        client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert AuditEvent.objects.filter(action="user.mfa_failed", target_id=str(operator.pk)).exists()
    client.post("/accounts/2fa/authenticate/", {"code": _code(secret)})

    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    with on_commit(execute=True):
        response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    removed = AuditEvent.objects.filter(action="user.mfa_removed", target_id=str(operator.pk))
    assert {event.details["type"] for event in removed} >= {"totp"}
    assert all(event.actor == operator for event in removed)
    assert secret not in _everything_audited() and "000000" not in _everything_audited()


def test_behind_a_proxy_one_client_does_not_lock_out_another(client, viewer, settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    # The per-address limit (10 a minute) with ten different wrong emails from one client.
    for n in range(10):
        _sign_in(client, f"guess{n}@isv.example", WRONG, ip="198.51.100.7")
    blocked = _sign_in(client, viewer.email, ip="198.51.100.7")
    assert "_auth_user_id" not in client.session
    assert b"Too many failed login attempts" in blocked.content

    # Everyone reaches the portal from the proxy's socket address; another client still gets in.
    response = _sign_in(client, viewer.email, ip="203.0.113.9")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(viewer.pk)
    event = AuditEvent.objects.filter(action="user.signed_in").latest("pk")
    assert event.ip_address == "203.0.113.9"


def test_only_the_address_the_proxy_appended_is_trusted(client, viewer, settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    _sign_in(client, viewer.email, ip="10.9.9.9, 203.0.113.10")  # the first one is the client's say
    assert AuditEvent.objects.get(action="user.signed_in").ip_address == "203.0.113.10"


def test_without_trusted_proxies_the_header_is_ignored(client, viewer, settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 0
    _sign_in(client, viewer.email, ip="203.0.113.11")
    assert AuditEvent.objects.get(action="user.signed_in").ip_address == "127.0.0.1"


def test_a_header_that_did_not_come_through_the_proxies_falls_back_to_the_socket(
    client, viewer, settings
):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 2
    _sign_in(client, viewer.email, ip="not-an-address")
    assert AuditEvent.objects.get(action="user.signed_in").ip_address == "127.0.0.1"
