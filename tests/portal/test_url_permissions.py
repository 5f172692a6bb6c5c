"""Walks every URL pattern of the project and checks the access rules hold for each.

- anonymous -> redirected to the login page (except the short public list below);
- a viewer posting to anything -> 403 (or 405 where the endpoint takes no POST), except the
  viewer's own account pages under /accounts/;
- a method the portal does not speak -> 405, whoever asks.

New views are covered automatically; a new public page must be added to PUBLIC on purpose.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]

# URL names that answer without a login, and why.
PUBLIC = {
    "healthz": "liveness probe for load balancers",
    "livez": "the orchestrator's liveness probe (answers without touching anything)",
    "readyz": "the orchestrator's readiness probe (database, broker, cache; no details)",
    "favicon": "browsers ask for it on every page, the sign-in page included",
    "invitation_accept": "the invitee has no password yet",
    "account_login": "the sign-in page",
    "account_logout": "signing out is harmless",
    "account_signup": "shows 'sign-up is closed'",
    "account_reset_password": "forgotten password",
    "account_reset_password_done": "forgotten password",
    "account_reset_password_from_key": "forgotten password link",
    "account_reset_password_from_key_done": "forgotten password link",
    "account_confirm_email": "email confirmation link",
    "account_email_verification_sent": "after sign-up (closed)",
    "account_inactive": "tells a deactivated user why",
    "account_login_code_confirm": "login stage",
    "account_confirm_login_code": "login stage",
    "account_confirm_password_reset_code": "password reset stage",
    "account_email_verification_code": "email verification stage",
    "mfa_authenticate": "second step of the sign-in",
    "mfa_trust": "second step of the sign-in",
    "metrics": "guarded by its own bearer token",
    "webhook": "guarded by its own signature check",
    "inbound_visma": "the dispatcher's signature over the raw body (webhooks.intake)",
    "inbound_background": "legacy Background callbacks, confirmed by a GET (webhooks.intake)",
    "inbound_statuspage": "the secret token in its URL (webhooks.intake)",
}

# Where a sample value is needed for a path parameter, these are tried in order.
SAMPLES = ["1", "sample", str(uuid.UUID(int=1)), "Invoice", "abc-def", "2026-01-01"]
UNKNOWN_METHODS = ["PUT", "PATCH", "DELETE", "TRACE"]


def _walk(patterns, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        regex = entry.pattern.regex.pattern
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + regex.lstrip("^"))
        elif isinstance(entry, URLPattern):
            yield prefix + regex.lstrip("^"), entry


_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*(?:\([^()]*\)[^()]*)*)\)")


def _sample_path(regex: str) -> str | None:
    def fill(match: re.Match) -> str:
        body = match.group("body")
        for value in [*SAMPLES, body.split("|")[0]]:
            if re.fullmatch(body, value):
                return value
        raise ValueError(body)

    try:
        path = _GROUP.sub(fill, regex)
    except ValueError:
        return None
    path = path.replace(r"\Z", "").rstrip("$").replace("\\", "")
    return "/" + path


def _all_endpoints() -> list[tuple[str, str, object]]:
    endpoints = []
    for regex, pattern in _walk(get_resolver().url_patterns):
        path = _sample_path(regex)
        assert path is not None, f"no sample value fits the pattern {regex!r}; extend SAMPLES"
        try:
            match = resolve(path)
        except Resolver404:
            pytest.fail(f"{regex!r} sampled as {path!r} does not resolve")
        if match.func is not pattern.callback:
            continue  # an earlier pattern shadows this sample; the earlier one is tested
        endpoints.append((path, match.url_name or "", match.func))
    return endpoints


ENDPOINTS = None


def endpoints():
    global ENDPOINTS
    if ENDPOINTS is None:
        ENDPOINTS = _all_endpoints()
    return ENDPOINTS


def _is_public(name: str, path: str) -> bool:
    return name in PUBLIC or path.startswith("/static/")


def test_the_walk_covers_the_portal():
    paths = {path for path, _, _ in endpoints()}
    assert {"/", "/audit/", "/staff/", "/healthz", "/admin/"} <= paths
    assert len(paths) > 40  # allauth and the admin are walked too


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    for path, name, _ in endpoints():
        if _is_public(name, path):
            continue
        response = client.get(path)
        assert response.status_code == 302, f"{path} ({name}) answered {response.status_code}"
        assert (
            "/accounts/login/" in response["Location"] or "/admin/login/" in response["Location"]
        ), f"{path} ({name}) redirected to {response['Location']}"


def test_a_viewer_cannot_change_anything(client_for, viewer):
    client = client_for(viewer)
    for path, name, _ in endpoints():
        if _is_public(name, path) or path.startswith("/accounts/"):
            continue  # the viewer's own sign-in settings are theirs to change
        response = client.post(path, {"name": "x", "role": "admin", "active": "0"})
        assert response.status_code in {403, 405}, (
            f"viewer POST {path} ({name}) -> {response.status_code}"
        )


def test_unknown_methods_are_refused_everywhere(client_for, admin):
    client = client_for(admin)
    for path, name, _ in endpoints():
        for method in UNKNOWN_METHODS:
            response = client.generic(method, path)
            assert response.status_code == 405, (
                f"{method} {path} ({name}) -> {response.status_code}"
            )


def test_anonymous_unknown_methods_are_refused_too(client):
    for path, _name, _ in endpoints()[:20]:
        assert client.generic("DELETE", path).status_code == 405, path
