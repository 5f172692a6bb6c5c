"""portal/htmx.py, the one form renderer, the one rule for times, and the page furniture (tab
titles, favicon, the htmx configuration that stops inheritance)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.test import RequestFactory

from portal import htmx, times

pytestmark = pytest.mark.django_db


def _request(path: str = "/x/", **headers):
    request = RequestFactory().get(path, **headers)
    from django_htmx.middleware import HtmxDetails

    request.htmx = HtmxDetails(request)
    return request


def test_page_or_partial_gives_htmx_swaps_the_partial_and_everything_else_the_page():
    assert htmx.page_or_partial(_request(), "a.html", "results") == "a.html"
    swap = _request(HTTP_HX_REQUEST="true")
    assert htmx.page_or_partial(swap, "a.html", "results") == "a.html#results"
    boosted = _request(HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true")
    assert htmx.page_or_partial(boosted, "a.html", "results") == "a.html"


@pytest.mark.parametrize(
    ("next_value", "expected"),
    [
        ("/tenants/?status=active", "/tenants/?status=active"),
        ("https://evil.example/", "/home/"),
        ("//evil.example/", "/home/"),
        ("", "/home/"),
    ],
)
def test_safe_next_stays_on_this_site(next_value, expected):
    request = RequestFactory().post("/x/", {"next": next_value})
    assert htmx.safe_next(request, "/home/") == expected


class _Form(forms.Form):
    name = forms.CharField()


def test_apply_errors_puts_field_errors_on_fields_and_the_rest_on_the_form():
    form = _Form({"name": "x"})
    assert form.is_valid()
    htmx.apply_errors(form, ValidationError({"name": "Taken.", "elsewhere": "Odd."}))
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Odd."]
    form = _Form({"name": "x"})
    form.is_valid()
    htmx.apply_errors(form, ValidationError("Plain."))
    assert form.non_field_errors() == ["Plain."]


def test_query_helpers_keep_the_filters_and_restart_paging():
    request = _request("/x/?q=ab&page=3&sort=name")
    assert htmx.query_without(request, "page") == "q=ab&sort=name"
    assert htmx.query_with(request, sort="-name") == "q=ab&sort=-name"


def test_sort_headers_flip_the_active_column_and_keep_the_filters():
    request = _request("/x/?q=ab&sort=name&page=2")
    columns = [htmx.Column("name", "Name"), htmx.Column("checked", "Last", first_descending=True)]
    name, checked = htmx.sort_headers(
        request,
        columns,
        sort="name",
        descending=False,
        encode=lambda key, desc: {"sort": f"-{key}" if desc else key},
    )
    assert name.aria_sort == "ascending" and name.query == "q=ab&sort=-name"
    assert checked.aria_sort == "none" and checked.query == "q=ab&sort=-checked"


def _sort(key: str, descending: bool) -> dict[str, str]:
    return {"sort": f"-{key}" if descending else key}


def test_a_key_that_sorts_high_to_low_is_announced_as_descending():
    # The tenants' Health column: "problems" puts the most problems first.
    health = htmx.Column("problems", "Health", key_sorts_descending=True)
    request = _request("/x/?sort=problems")
    [most_first] = htmx.sort_headers(
        request, [health], sort="problems", descending=False, encode=_sort
    )
    [fewest_first] = htmx.sort_headers(
        request, [health], sort="problems", descending=True, encode=_sort
    )
    assert most_first.aria_sort == "descending" and most_first.query == "sort=-problems"
    assert fewest_first.aria_sort == "ascending" and fewest_first.query == "sort=problems"


class _Filters(forms.Form):
    q = forms.CharField(required=False)
    status = forms.MultipleChoiceField(required=False, choices=[("a", "A"), ("b", "B")])
    sort = forms.CharField(required=False)
    per_page = forms.IntegerField(required=False)


def test_filters_in_use_counts_values_but_not_the_page_size_sort_or_blanks():
    def used(query: str) -> bool:
        return htmx.filters_in_use(_Filters(_request(f"/x/?{query}").GET or None))

    assert not used("")
    assert not used("q=&status=&page=3&sort=-name&per_page=100")
    assert not used("q=%20%20")
    assert used("q=acme")
    assert used("status=b")
    assert used("q=&status=a&status=b")
    assert htmx.filters_in_use(_Filters({"q": "acme"}))  # a plain dict, as tests bind forms
    assert not htmx.filters_in_use(_Filters({"q": None}))


def test_with_client_event_merges_with_the_messages_event(rf):
    from django.http import HttpResponse

    response = htmx.with_client_event(HttpResponse(), "tenants:check-finished")
    assert response["HX-Trigger"] == '{"tenants:check-finished": {}}'


def test_every_form_renders_through_the_portal_field_template():
    form = _Form({"name": ""})
    html = str(form)
    assert 'class="field"' in html
    assert 'aria-invalid="true"' in html
    assert 'id="id_name_errors"' in html and 'role="alert"' in html


def test_allauth_forms_use_the_same_field_template(client):
    html = client.get("/accounts/login/").content.decode()
    assert html.count('<div class="field') >= 2  # email and password, from portal/forms/field.html


def test_when_shows_the_portal_zone_named_and_utc_on_hover(settings):
    settings.TIME_ZONE = "Europe/Oslo"
    moment = datetime(2026, 3, 2, 3, 15, 7, tzinfo=UTC)
    html = Template("{% load portal %}{{ m|when }}|{{ m|when:'clock' }}").render(
        Context({"m": moment})
    )
    assert html == (
        '<time datetime="2026-03-02T03:15:07Z" title="2026-03-02 03:15:07 UTC">'
        "2026-03-02 04:15 CET</time>|"
        '<time datetime="2026-03-02T03:15:07Z" title="2026-03-02 03:15:07 UTC">04:15:07 CET</time>'
    )
    summer = datetime(2026, 7, 1, 3, 0, tzinfo=UTC)
    assert times.shown(summer) == "2026-07-01 05:00 CEST"
    assert Template("{% load portal %}{{ m|when }}").render(Context({"m": None})) == ""


def test_pages_show_times_in_one_zone_with_the_zone_named(client_for, admin, settings):
    """The audit log, staff page and usage pages all follow the one rule."""
    settings.TIME_ZONE = "Europe/Oslo"
    client = client_for(admin)
    client.post("/staff/invite/", {"email": "new@isv.example", "role": "viewer"})
    html = client.get("/audit/").content.decode()
    assert re.search(
        r'<time datetime="[^"]+Z" title="[^"]+ UTC">\d{4}-\d\d-\d\d [\d:]+ CES?T</time>', html
    )
    assert " UTC</time>" not in html


def test_tab_titles_name_the_page_then_the_portal(client_for, viewer):
    html = client_for(viewer).get("/tenants/").content.decode()
    assert "<title>Tenants · ISV portal</title>" in html


def test_favicon_answers(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
    assert client.get(response["Location"]).status_code == 200


def test_htmx_never_inherits_target_select_or_swap(client_for, viewer):
    """A parent's hx-select once filtered a child's answer to nothing (Check now): the layout
    turns inheritance off for every page."""
    html = client_for(viewer).get("/").content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html).group(1)
    import json

    assert json.loads(config)["disableInheritance"] is True


def test_the_invite_page_says_how_long_the_link_works(client_for, admin, settings):
    settings.PORTAL_INVITE_MAX_AGE_DAYS = 3
    html = client_for(admin).get("/staff/invite/").content.decode()
    assert "The link works once, for 3 days." in html
    assert "a few" not in html


def test_deactivating_staff_asks_for_confirmation(client_for, admin, viewer):
    html = client_for(admin).get("/staff/").content.decode()
    assert f'hx-confirm="Deactivate {viewer.email}?' in html
