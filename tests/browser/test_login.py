"""Signing in and out, TOTP enrolment and sign-in with a code, role-limited pages."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.totp.internal import auth as totp
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def _code(secret: str) -> str:
    # A code typed in the last seconds of its step may reach the server in the next one.
    left = 30 - time.time() % 30
    if left < 3:
        time.sleep(left + 0.2)
    return totp.format_hotp_value(totp.hotp_value(secret, int(time.time()) // 30))


@pytest.mark.smoke
def test_sign_in_see_the_dashboard_and_sign_out(sign_in, page, live_server, viewer):
    sign_in(viewer)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Audit")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/"))


def test_a_wrong_password_is_explained(page, live_server, viewer):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(viewer.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not correct")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_enrol_totp_then_sign_in_with_a_code(sign_in, page, live_server, operator):
    sign_in(operator)
    page.goto(f"{live_server.url}/accounts/2fa/totp/activate/")
    # Right after signing in with the password, enrolling the first factor does not ask again.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    secret = page.locator("#authenticator_secret").input_value()
    assert len(secret) >= 16
    page.get_by_label(re.compile("Authenticator code", re.I)).fill(_code(secret))
    page.get_by_role("button", name=re.compile("Activate", re.I)).click()
    expect(page.get_by_text(re.compile("recovery codes", re.I)).first).to_be_visible()

    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Sign out").click()

    sign_in(operator)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_label(re.compile("code", re.I)).fill("000000")
    page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    page.get_by_label(re.compile("code", re.I)).fill(_code(secret))
    page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def test_a_viewer_cannot_open_an_admin_only_page(sign_in, page, live_server, viewer):
    sign_in(viewer)
    expect(page.get_by_role("navigation", name="Main")).not_to_contain_text("Admin")
    response = page.goto(f"{live_server.url}/staff/")
    assert response.status == 403
    expect(page.get_by_role("heading")).to_contain_text("You don't have permission")


def test_an_admin_sees_the_staff_page(sign_in, page, live_server, admin, viewer):
    sign_in(admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Staff")).to_be_visible()
    expect(page.get_by_role("cell", name=viewer.email, exact=True)).to_be_visible()
