"""The Operations index: in the navigation for every role, its tenants with their readiness."""

from __future__ import annotations

import pytest

from tests.tenants.helpers import make_issue

pytestmark = pytest.mark.django_db


def test_operations_is_in_the_navigation_for_a_viewer(client_for, viewer):
    page = client_for(viewer).get("/").content.decode()
    assert 'href="/operations/"' in page


def test_the_index_lists_tenants_and_says_why_one_is_not_available(client_for, viewer, make_tenant):
    make_tenant("healthy")
    blocked = make_tenant("no_license")
    make_issue(blocked, "no_license")
    response = client_for(viewer).get("/operations/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nordlys Handel AS" in page and "Järnviken Verkstad AB" in page
    assert "Operations · " in page


def test_the_search_narrows_the_tenants_with_htmx(client_for, viewer, make_tenant):
    make_tenant("healthy")
    make_tenant("no_license")
    response = client_for(viewer).get(
        "/operations/", {"q": "Nordlys"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert "Nordlys Handel AS" in page and "Järnviken" not in page
    assert "<html" not in page


def test_a_bad_page_number_is_not_an_error(client_for, viewer):
    assert client_for(viewer).get("/operations/", {"page": "99999999999999"}).status_code == 200


def test_a_viewer_is_not_offered_the_api_console_an_operator_is(client_for, viewer, operator):
    # The console spends the company's budget; its views refuse viewers, so the index hides it.
    assert "/operations/console/" not in client_for(viewer).get("/operations/").content.decode()
    assert "/operations/console/" in client_for(operator).get("/operations/").content.decode()
