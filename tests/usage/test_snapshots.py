"""The usage dashboard's snapshot (usage/snapshots.py): the dashboard, its htmx refresh and the
home panel show figures at most USAGE_DASHBOARD_SNAPSHOT_SECONDS old, say how old, and cost a
fixed number of queries whatever the number of companies."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from tests.usage.factories import MeteredCompanyFactory
from tests.usage.test_views import names, use
from usage import snapshots

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("usage:dashboard")


def _row_figures(html: str, name: str) -> str:
    row = re.search(rf">{re.escape(name)}</a>.*?</tr>", html, re.S)
    assert row, f"no row for {name}"
    return re.search(r'<span class="figures">([^<]*)</span>', row.group(0)).group(1)


def test_figures_within_the_period_come_from_one_read(client_for, viewer, settings):
    settings.USAGE_DASHBOARD_SNAPSHOT_SECONDS = 3600  # never runs out during the test
    company = MeteredCompanyFactory(name="Kept AS")
    use(company, 10)
    client = client_for(viewer)
    first = client.get(DASHBOARD, HTTP_HX_REQUEST="true")
    use(company, 20)
    again = client.get(DASHBOARD, HTTP_HX_REQUEST="true")
    assert _row_figures(again.content.decode(), "Kept AS") == "10 / 500"
    assert again.context["as_of"] == first.context["as_of"]
    snapshots.forget()
    fresh = client.get(DASHBOARD, HTTP_HX_REQUEST="true")
    assert _row_figures(fresh.content.decode(), "Kept AS") == "20 / 500"
    assert fresh.context["as_of"] > first.context["as_of"]


def test_with_no_period_every_page_reads_afresh(client_for, viewer, settings):
    settings.USAGE_DASHBOARD_SNAPSHOT_SECONDS = 0
    company = MeteredCompanyFactory(name="Fresh AS")
    use(company, 10)
    client = client_for(viewer)
    client.get(DASHBOARD)
    use(company, 30)
    html = client.get(DASHBOARD).content.decode()
    assert _row_figures(html, "Fresh AS") == "30 / 500"


def test_the_filters_the_database_applies_each_have_their_own_snapshot(
    client_for, viewer, settings
):
    settings.USAGE_DASHBOARD_SNAPSHOT_SECONDS = 3600
    MeteredCompanyFactory(name="Test One AS")
    MeteredCompanyFactory(name="Prod One AS", client_id="isv_prod", client_type="production")
    client = client_for(viewer)
    assert len(names(client.get(DASHBOARD))) == 2
    assert names(client.get(DASHBOARD, {"client": "isv_prod"})) == ["Prod One AS"]
    assert names(client.get(DASHBOARD, {"q": "Test One"})) == ["Test One AS"]
    assert len(names(client.get(DASHBOARD))) == 2


def test_the_pages_say_when_the_figures_were_read(client_for, viewer, settings):
    from zoneinfo import ZoneInfo

    settings.TIME_ZONE = "Europe/Oslo"
    settings.PORTAL_DASHBOARD_PANELS = ["usage.panels.dashboard_panel"]
    MeteredCompanyFactory(name="Clock AS")
    client = client_for(viewer)
    refresh = client.get(DASHBOARD, HTTP_HX_REQUEST="true")
    as_of = refresh.context["as_of"]
    local = as_of.astimezone(ZoneInfo("Europe/Oslo"))
    stamp = f'datetime="{as_of.astimezone(UTC).isoformat().replace("+00:00", "Z")}"'
    shown = f">{local:%H:%M:%S} {local:%Z}</time>"
    html = refresh.content.decode()
    assert "Figures as of <time" in html and stamp in html and shown in html
    home = client.get("/").content.decode()
    assert "As of <time" in home and shown in home  # the same snapshot
    assert as_of <= datetime.now(UTC)


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "refresh"])
def test_the_dashboard_costs_the_same_queries_for_5_and_50_companies(
    client_for, viewer, django_assert_max_num_queries, htmx
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(viewer)
    headers = {"HX-Request": "true"} if htmx else {}
    counts = []
    for batch in (5, 45):
        for company in MeteredCompanyFactory.create_batch(batch):
            use(company, 3)
        snapshots.forget()  # a page that reads every company
        with CaptureQueriesContext(connection) as fresh:
            response = client.get(DASHBOARD, headers=headers)
        assert response.status_code == 200
        counts.append(len(fresh))
        # Within the period the companies are not read again.
        with django_assert_max_num_queries(len(fresh) - 3):
            client.get(DASHBOARD, headers=headers)
    assert counts[0] == counts[1]
    # Session, user, permissions (2), API clients, companies, 429s (2), role, status incidents.
    with django_assert_max_num_queries(10):
        snapshots.forget()
        client.get(DASHBOARD, headers=headers)


def test_the_home_panel_costs_the_same_queries_for_5_and_50_companies(client_for, viewer, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PORTAL_DASHBOARD_PANELS = ["usage.panels.dashboard_panel"]
    client = client_for(viewer)
    counts = []
    for batch in (5, 45):
        MeteredCompanyFactory.create_batch(batch)
        snapshots.forget()
        with CaptureQueriesContext(connection) as fresh:
            client.get("/")
        counts.append(len(fresh))
    assert counts[0] == counts[1]
