"""Bad input anywhere gets a clear 400 (or 404 for an id that names nothing), never a 500, and
changes nothing."""

from __future__ import annotations

import pytest

from portal.roles import Role
from tests.factories import make_user

# Smoke: CI runs these on SQLite too, where an integer too large fails differently.
pytestmark = [pytest.mark.django_db, pytest.mark.smoke]

HUGE = "99999999999999999999999"

GETS = [
    "/audit/?until=9999-12-31",
    "/audit/?since=0001-01-01",
    "/audit/?since=9999-12-31&until=9999-12-31",
    f"/audit/?page={HUGE}",
    f"/usage/export/?start=2026-01-01&end=2026-01-02&companies={HUGE}",
    "/usage/export/?start=0001-01-01&end=0001-01-02",
    "/usage/export/?start=9999-12-30&end=9999-12-31",
    f"/usage/?page={HUGE}&client={HUGE}",
    f"/tenants/?q={HUGE}",
    "/tenants/?q=\u00b2",
    f"/tenants/?client={HUGE}&customer={HUGE}&per_page={HUGE}",
    f"/tenants/issues/?q={HUGE}&page={HUGE}",
]


@pytest.mark.parametrize("path", GETS)
def test_no_filter_value_gives_a_server_error(client, path):
    client.force_login(make_user(Role.VIEWER))
    response = client.get(path)
    assert response.status_code < 500, (path, response.status_code)


IDS = [
    f"/usage/companies/{HUGE}/",
    f"/tenants/{HUGE}/",
    f"/tenants/{HUGE}/health/",
]


@pytest.mark.parametrize("path", IDS)
def test_an_id_too_large_for_the_database_is_not_found(client, path):
    client.force_login(make_user(Role.ADMIN))
    assert client.get(path).status_code == 404


POSTS = [
    ("/tenants/issues/check-again/", {"issues": [HUGE]}),
    ("/tenants/issues/check-again/", {"issues": ["1", "\u00b2"]}),
    (f"/tenants/{HUGE}/check/", {}),
    (f"/tenants/checks/{HUGE}/next/", {}),
    (f"/staff/{HUGE}/role/", {"role": "viewer"}),
    (f"/admin/portal/user/{HUGE}/change/", {}),
    (f"/usage/companies/{HUGE}/reserve/", {"reserve_percent": "10"}),
]


@pytest.mark.parametrize("path,data", POSTS)
def test_no_posted_id_gives_a_server_error(client, path, data):
    client.force_login(make_user(Role.ADMIN))
    response = client.post(path, data)
    assert response.status_code < 500, (path, response.status_code)


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("path", ["/tenants/", "/audit/", "/usage/", "/accounts/login/"])
def test_thousands_of_query_parameters_are_a_plain_400(client, settings, debug, path):
    settings.DEBUG = debug
    client.force_login(make_user(Role.VIEWER))
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    query = "&".join(f"f{n}=1" for n in range(limit + 1000))
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert f"at most {limit:,} fields" in response.content.decode()


def test_thousands_of_posted_fields_are_a_plain_400(client, settings):
    settings.DEBUG = True
    client.force_login(make_user(Role.OPERATOR))
    fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1000
    response = client.post("/tenants/new/", {f"f{n}": "1" for n in range(fields)})
    assert response.status_code == 400


def test_an_impossible_audit_date_is_a_clear_400(client):
    client.force_login(make_user(Role.VIEWER))
    for query in ("until=9999-12-31", "since=0001-01-01", "since=2026-13-45"):
        response = client.get(f"/audit/?{query}")
        assert response.status_code == 400, query
        assert "Enter a" in response.content.decode()
    # In an htmx swap the error shows in place of the results.
    swap = client.get("/audit/?until=9999-12-31", HTTP_HX_REQUEST="true")
    assert swap.status_code == 200 and "Enter a date from 2000-01-01" in swap.content.decode()


def test_an_export_of_a_company_id_too_large_is_a_clear_400(client):
    client.force_login(make_user(Role.VIEWER))
    response = client.get(f"/usage/export/?start=2026-01-01&end=2026-01-02&companies={HUGE}")
    assert response.status_code == 400
    assert "is not a company id" in response.content.decode()
