"""Machine endpoints (portal/machine.py): the inbound webhooks skip the browser middleware, and
nothing else can."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from .conftest import dispatcher_headers, notification

pytestmark = pytest.mark.django_db

BROWSER_ONLY_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "Vary")


def post_visma(client: Client, payload: dict, **extra):
    import json

    body = json.dumps(payload).encode()
    return client.post(
        reverse("webhooks:inbound_visma"),
        data=body,
        content_type="application/json",
        **dispatcher_headers(body, payload),
        **extra,
    )


@pytest.mark.smoke  # also on the embedded defaults: the delivery's INSERT on SQLite
def test_an_inbound_webhook_skips_the_browser_middleware(subscription):
    response = post_visma(Client(), notification(), HTTP_COOKIE="sessionid=whatever")

    assert response.status_code == 202
    for header in BROWSER_ONLY_HEADERS:  # CSP, clickjacking, sessions: never ran
        assert header not in response, header
    assert "Set-Cookie" not in response and not response.cookies
    # The request-wide middleware before it did run.
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"


def test_a_browser_page_still_gets_the_whole_stack(client):
    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"


def test_a_prefix_set_too_wide_takes_no_page_its_login(settings, subscription):
    settings.PORTAL_MACHINE_PATH_PREFIXES = ("/",)
    client = Client()  # a new handler reads the setting

    assert client.get(reverse("tenants:list")).status_code == 302  # to the sign-in page
    assert post_visma(client, notification()).status_code == 202


def test_without_a_prefix_the_marked_views_go_through_the_whole_stack(settings, subscription):
    settings.PORTAL_MACHINE_PATH_PREFIXES = ()
    response = post_visma(Client(), notification())

    assert response.status_code == 202  # still exempt from CSRF and the login
    assert "Content-Security-Policy" in response


def test_a_machine_endpoint_refuses_other_methods(subscription):
    client = Client()
    url = reverse("webhooks:inbound_visma")

    assert client.get(url).status_code == 405
    assert client.put(url, data=b"{}", content_type="application/json").status_code == 405
    assert (
        client.post(url + "nothing/", data=b"{}", content_type="application/json").status_code
        == 404
    )


def test_only_paths_without_arguments_are_kept_resolved(subscription):
    from portal import machine

    machine._fixed_matches.clear()
    client = Client()
    post_visma(client, notification())
    token = "a-url-token-nobody-was-given"
    client.post(
        reverse("webhooks:inbound_statuspage", args=[token]),
        data=b"{}",
        content_type="application/json",
    )

    kept = [path for _urlconf, path in machine._fixed_matches]
    assert kept == [reverse("webhooks:inbound_visma")]
    assert post_visma(client, notification()).status_code == 202  # served from what was kept
