"""Signing in: email + password, no sign-up, rate limits, TOTP, and MFA made mandatory for staff."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    # allauth counts attempts in the cache; each test gets an empty private one.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _current_code(secret: str) -> str:
    # A code typed in the last seconds of its step may reach the server in the next one.
    left = 30 - time.time() % 30
    if left < 3:
        time.sleep(left + 0.2)
    counter = int(time.time()) // 30
    return totp.format_hotp_value(totp.hotp_value(secret, counter))


def _enrol_totp(user) -> str:
    secret = totp.generate_totp_secret()
    totp.TOTP.activate(user, secret)
    return secret


@pytest.mark.smoke
def test_signing_in_with_email_and_password(client, viewer):
    response = client.post("/accounts/login/", {"login": viewer.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_is_explained_and_signs_nobody_in(client, viewer):
    response = client.post(
        "/accounts/login/", {"login": viewer.email, "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert b"The email address and/or password you specified are not correct." in response.content
    assert "_auth_user_id" not in client.session


def test_repeated_failures_are_rate_limited(client, viewer):
    for _ in range(5):
        client.post("/accounts/login/", {"login": viewer.email, "password": "wrong-password"})
    response = client.post("/accounts/login/", {"login": viewer.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert b"Too many failed login attempts" in response.content or response.status_code == 429


def test_there_is_no_public_sign_up(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "intruder@evil.example",
            "password1": "a-long-password!",
            "password2": "a-long-password!",
        },
    )
    assert b"Sign Up Closed" in response.content or b"closed" in response.content.lower()
    from portal.models import User

    assert not User.objects.filter(email="intruder@evil.example").exists()


def test_totp_is_asked_after_the_password_and_a_bad_code_is_refused(client, operator):
    secret = _enrol_totp(operator)
    response = client.post("/accounts/login/", {"login": operator.email, "password": PASSWORD})
    assert response.status_code == 302 and "/accounts/2fa/authenticate/" in response["Location"]
    assert "_auth_user_id" not in client.session

    bad = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert bad.status_code == 200
    assert b"Incorrect code." in bad.content
    assert "_auth_user_id" not in client.session

    good = client.post("/accounts/2fa/authenticate/", {"code": _current_code(secret)})
    assert good.status_code == 302
    assert client.session["_auth_user_id"] == str(operator.pk)


def test_mfa_is_mandatory_for_operators_when_the_setting_is_on(client, operator, settings):
    settings.PORTAL_MFA_REQUIRED_FOR_STAFF = True
    client.post("/accounts/login/", {"login": operator.email, "password": PASSWORD})
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    # Right after typing the password, enrolling does not ask for it again.
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200


def _sign_in_and_age(client, user, seconds: float) -> None:
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY

    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    session = client.session
    for record in session[AUTHENTICATION_METHODS_SESSION_KEY]:
        record["at"] -= seconds
    session.save()


def test_enrolling_the_first_factor_long_after_signing_in_asks_for_the_password(
    client, operator, settings
):
    settings.PORTAL_MFA_REQUIRED_FOR_STAFF = True
    from allauth.account import app_settings

    _sign_in_and_age(client, operator, app_settings.REAUTHENTICATION_TIMEOUT + 1)
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200


def test_changing_an_enrolled_factor_asks_for_the_password_even_right_after_signing_in(
    client, operator
):
    secret = _enrol_totp(operator)
    client.post("/accounts/login/", {"login": operator.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": _current_code(secret)})
    assert client.session["_auth_user_id"] == str(operator.pk)
    response = client.get("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]


def test_mfa_is_not_forced_on_viewers(client_for, viewer, settings):
    settings.PORTAL_MFA_REQUIRED_FOR_STAFF = True
    assert client_for(viewer).get("/audit/").status_code == 200


def test_an_enrolled_operator_passes_the_mfa_rule(client_for, operator, settings):
    settings.PORTAL_MFA_REQUIRED_FOR_STAFF = True
    _enrol_totp(operator)
    assert Authenticator.objects.filter(user=operator).exists()
    assert client_for(operator).get("/audit/").status_code == 200


def test_htmx_requests_are_redirected_as_a_whole_page(client):
    response = client.get("/audit/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/login/")


def test_admin_site_sign_in_goes_through_allauth(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302
    assert follow["Location"].startswith("/accounts/login/")


def test_a_non_admin_gets_403_from_the_admin(client_for, operator):
    assert client_for(operator).get("/admin/").status_code == 403


def test_every_page_sends_a_self_only_content_security_policy(client_for, viewer):
    response = client_for(viewer).get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_the_layout_sends_the_csrf_token_with_every_htmx_request(client_for, viewer):
    content = client_for(viewer).get("/").content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in content
    assert 'src="/static/vendor/htmx/htmx.min.js"' in content


def test_a_code_from_the_previous_step_is_accepted_once(client, operator, monkeypatch):
    # allauth's TOTP clock is held in the middle of a step, so a slow sign-in cannot cross into
    # the next step and turn "the previous step" into the one before it.
    step = int(time.time()) // 30
    monkeypatch.setattr(totp, "time", SimpleNamespace(time=lambda: step * 30 + 15))
    secret = _enrol_totp(operator)
    previous = totp.format_hotp_value(totp.hotp_value(secret, step - 1))
    client.post("/accounts/login/", {"login": operator.email, "password": PASSWORD})
    assert client.post("/accounts/2fa/authenticate/", {"code": previous}).status_code == 302
    client.logout()
    client.post("/accounts/login/", {"login": operator.email, "password": PASSWORD})
    replay = client.post("/accounts/2fa/authenticate/", {"code": previous})
    assert replay.status_code == 200
    assert "_auth_user_id" not in client.session
