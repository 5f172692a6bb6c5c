"""The usage pages as staff use them: the dashboard with its filters and sort, a company's page,
the reserve form, the CSV export and its refusals, and the dashboard panel."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import AuditEvent
from tests.usage.factories import MeteredCompanyFactory, add_hours
from tests.usage.helpers import FakeClock, call_record
from usage.limiter import get_limiter
from usage.recorder import get_recorder

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("usage:dashboard")


def use(company, calls: int, *, limit: int | None = None, status: int = 200, retry_after=None):
    """Report what the ERP said after ``calls`` calls this hour (as the recorder would)."""
    import time

    clock = FakeClock(time.time())
    limit = limit or company.hourly_limit
    get_recorder().record(
        call_record(
            clock,
            client_id=company.client_id,
            tenant_id=company.tenant_id,
            status=status,
            limit=limit,
            remaining=max(limit - calls, 0),
            reset=1200,
            retry_after=retry_after,
        )
    )
    get_recorder().flush()


@pytest.fixture
def companies(db):
    quiet = MeteredCompanyFactory(name="Quiet AS")
    busy = MeteredCompanyFactory(name="Busy AB")
    prod = MeteredCompanyFactory(
        name="Big Production Oy",
        client_id="isv_demo_prod",
        client_type="production",  # 15,000 calls an hour, the type's default
    )
    throttled = MeteredCompanyFactory(name="Throttled ApS")
    use(quiet, 10)
    use(busy, 450)
    use(prod, 3000)
    use(throttled, 500, status=429, retry_after=600)
    return {"quiet": quiet, "busy": busy, "prod": prod, "throttled": throttled}


ROW = re.compile(
    r'<tr data-tenant="[^"]*" data-client="[^"]*">\s*<td[^>]*><a href="[^"]*">([^<]*)</a>'
)


def names(response) -> list[str]:
    """The company names of the table's rows, in order, as the page shows them."""
    return ROW.findall(response.content.decode())


def test_the_dashboard_lists_every_company_with_its_limit(client_for, viewer, companies):
    response = client_for(viewer).get(DASHBOARD)
    assert response.status_code == 200
    rows = {row.name: row for row in response.context["page"].object_list}
    assert rows["Busy AB"].limit == 500 and rows["Busy AB"].used == 450
    assert rows["Big Production Oy"].limit == 15_000
    assert rows["Throttled ApS"].blocked
    # Busiest first by default.
    assert names(response)[:2] == ["Throttled ApS", "Busy AB"]
    html = response.content.decode()
    assert 'hx-trigger="every 5s"' in html and "Held until" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"above": "on"}, {"Busy AB", "Throttled ApS"}),
        ({"throttled": "on"}, {"Throttled ApS"}),
        ({"test": "on"}, {"Quiet AS", "Busy AB", "Throttled ApS"}),
        ({"client": "isv_demo_prod"}, {"Big Production Oy"}),
        ({"q": "quiet"}, {"Quiet AS"}),
    ],
)
def test_the_filters(client_for, viewer, companies, query, expected):
    assert set(names(client_for(viewer).get(DASHBOARD, query))) == expected


def test_sorting_and_the_htmx_refresh_keep_the_choices(client_for, viewer, companies):
    client = client_for(viewer)
    response = client.get(
        DASHBOARD, {"sort": "name", "dir": "asc", "test": "on"}, HTTP_HX_REQUEST="true"
    )
    assert names(response) == ["Busy AB", "Quiet AS", "Throttled ApS"]
    html = response.content.decode()
    # The partial re-polls its own query, and tells the filter form the sort in use.
    assert html.lstrip().startswith('<div id="usage-results"')
    assert "sort=name&amp;dir=asc&amp;test=on" in html
    assert 'hx-swap-oob="true"' in html and 'name="sort" value="name"' in html
    assert "<html" not in html


def test_bad_filter_input_is_reported_not_fatal(client_for, viewer, companies):
    response = client_for(viewer).get(DASHBOARD, {"sort": "drop table", "client": "nobody"})
    assert response.status_code == 200
    assert "Some filters were not understood" in response.content.decode()
    assert len(names(response)) == 4


def test_the_dashboard_query_count_does_not_grow_with_the_companies(client_for, viewer):
    from usage import snapshots

    client = client_for(viewer)
    for company in MeteredCompanyFactory.create_batch(3):
        add_hours(company, 3, throttled=1)
    client.get(DASHBOARD)
    snapshots.forget()  # each measured page reads every company afresh
    with CaptureQueriesContext(connection) as few:
        client.get(DASHBOARD)
    for company in MeteredCompanyFactory.create_batch(40):
        add_hours(company, 3, throttled=1)
    snapshots.forget()
    with CaptureQueriesContext(connection) as many:
        response = client.get(DASHBOARD)
    assert len(names(response)) == 43
    assert len(many) == len(few)


def test_the_company_page_shows_its_chart_families_and_429s(client_for, viewer, companies):
    company = companies["throttled"]
    add_hours(company, 30, calls=200, throttled=2)
    response = client_for(viewer).get(reverse("usage:company", args=[company.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="bar"') >= 30
    assert 'class="limit-line"' in html and "limit 500" in html
    assert "GET /v1/supplierInvoice" in html  # the 429 that was recorded
    assert "calls are held until" in html
    assert response.context["families"][0].family == "supplierInvoice"


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_usage_pages_show_numbers_as_the_rest_of_the_portal(client_for, viewer, companies):
    """15,000 like the tenants pages (humanize's intcomma), never 15000."""
    from django.contrib.humanize.templatetags.humanize import intcomma

    prod = companies["prod"]
    add_hours(prod, 3, calls=12_345)
    client = client_for(viewer)
    dashboard = client.get(DASHBOARD).content.decode()
    row = dashboard.split(f'data-tenant="{prod.tenant_id}"', 1)[1].split("</tr>", 1)[0]
    assert f"{intcomma(3000)} / {intcomma(15_000)}" in _text(row)
    assert "3,000 of 15,000 calls used this hour" in row  # the bar's label
    assert "12,000" in _text(row), "what the ERP said remains"
    page = _text(client.get(reverse("usage:company", args=[prod.pk])).content.decode())
    assert "15000" not in page and "12345" not in page and "3000 " not in page
    assert "3,000 of 15,000 calls used this hour" in page
    assert "12,000 of 15,000 left" in page
    assert "limit 15,000" in page and "37,036 ERP calls" in page  # 3 hours of 12,345, and 1
    assert "hourly limit (15,000)" in page and " 10,000 " in page and ": 12,345 2xx" in page
    assert "15000" not in _text(client.get("/").content.decode())


def test_an_unknown_company_is_a_404(client_for, viewer, db):
    assert client_for(viewer).get(reverse("usage:company", args=[999_999])).status_code == 404


def test_an_operator_sets_the_reserve_with_an_audit_row(client_for, operator, companies):
    company = companies["quiet"]
    url = reverse("usage:company_reserve", args=[company.pk])
    response = client_for(operator).post(url, {"reserve_percent": "35"})
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.background_reserve == pytest.approx(0.35)
    event = AuditEvent.objects.get(action="usage.reserve_changed")
    assert event.details["after"] == pytest.approx(0.35)


def test_a_bad_reserve_is_refused_and_changes_nothing(client_for, operator, companies):
    company = companies["quiet"]
    url = reverse("usage:company_reserve", args=[company.pk])
    response = client_for(operator).post(url, {"reserve_percent": "150"})
    assert response.status_code == 400
    assert "less than or equal to 99" in response.content.decode()
    company.refresh_from_db()
    assert company.background_reserve is None
    assert not AuditEvent.objects.filter(action="usage.reserve_changed").exists()


def test_a_viewer_cannot_change_the_reserve(client_for, viewer, companies):
    url = reverse("usage:company_reserve", args=[companies["quiet"].pk])
    assert client_for(viewer).post(url, {"reserve_percent": "35"}).status_code == 403


def test_the_csv_export_has_one_row_per_company_and_hour(client_for, viewer, companies):
    add_hours(companies["busy"], 5, calls=120, throttled=3)
    today = date.today()
    response = client_for(viewer).get(
        reverse("usage:export"),
        {"companies": [companies["busy"].pk], "start": today - timedelta(days=1), "end": today},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 6  # five hours of history and the current one
    assert {row["company"] for row in rows} == {"Busy AB"}
    assert sum(int(row["rate_limited_429"]) for row in rows) == 15


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-03-10", "end": "2026-03-01"}, "The end date is before the start date."),
        ({"start": "2025-01-01", "end": "2025-12-31"}, "export at most 93 days"),
        ({"start": "not a date", "end": "2026-03-01"}, "Enter a valid date."),
        (
            {"companies": ["987654"], "start": "2026-03-01", "end": "2026-03-02"},
            "Unknown company: 987654",
        ),
        ({"start": "2099-01-01", "end": "2099-01-02"}, "in the future"),
    ],
)
def test_bad_export_requests_get_a_clear_message(client_for, viewer, companies, query, message):
    response = client_for(viewer).get(reverse("usage:export"), query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_huge_export_is_refused_before_any_work(client_for, viewer, companies, settings):
    settings.USAGE_EXPORT_MAX_ROWS = 1000
    today = date.today()
    response = client_for(viewer).get(
        reverse("usage:export"), {"start": today - timedelta(days=30), "end": today}
    )
    assert response.status_code == 400
    assert "the limit is 1,000" in response.content.decode()


def test_the_home_dashboard_shows_the_usage_panel(client_for, viewer, companies, settings):
    settings.PORTAL_DASHBOARD_PANELS = ["usage.panels.dashboard_panel"]
    html = client_for(viewer).get("/").content.decode()
    assert "ERP usage this hour" in html and "Throttled ApS" in html


def test_the_limiter_state_is_what_the_page_shows(client_for, viewer, companies):
    company = companies["busy"]
    state = get_limiter().state(company.client_id, company.tenant_id)
    response = client_for(viewer).get(reverse("usage:company", args=[company.pk]))
    assert response.context["budget"].used == state.used == 450


def test_times_are_shown_in_the_portal_zone_with_the_zone_named(
    client_for, viewer, companies, settings
):
    """One rule for times (portal/times.py): the portal's zone, named; UTC in <time datetime>."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    settings.TIME_ZONE = "Europe/Oslo"
    oslo = ZoneInfo("Europe/Oslo")
    company = companies["throttled"]
    budget = get_limiter().state(company.client_id, company.tenant_id)
    resets = datetime.fromtimestamp(budget.window_end, tz=UTC)
    page = client_for(viewer).get(reverse("usage:company", args=[company.pk])).content.decode()
    local = resets.astimezone(oslo)
    utc_iso = resets.isoformat().replace("+00:00", "Z")
    assert f'datetime="{utc_iso}"' in page
    assert f">{local:%H:%M:%S} {local:%Z}</time>" in page  # e.g. 05:57:38 CET
    assert f"{resets:%H:%M:%S} UTC</time>" not in page
    refresh = client_for(viewer).get(DASHBOARD, HTTP_HX_REQUEST="true").content.decode()
    now = datetime.now(oslo)
    hours = "|".join({f"{now:%H}", f"{now - timedelta(seconds=30):%H}"})  # an hour may just turn
    assert re.search(rf">({hours}):\d\d:\d\d (CET|CEST)</time>", refresh)


def test_the_export_link_keeps_the_dashboard_filters(client_for, viewer, companies):
    client = client_for(viewer)
    html = client.get(DASHBOARD + "?throttled=on&sort=name&dir=asc").content.decode()
    assert 'href="/usage/export/?throttled=on"' in html
    refresh = client.get(DASHBOARD + "?test=on", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="export-link" hx-swap-oob="true"' in refresh and "/usage/export/?test=on" in refresh
    form = client.get(reverse("usage:export") + "?throttled=on").context["form"]
    assert list(form.initial["companies"]) == [companies["throttled"].pk]


def test_the_export_form_starts_with_the_last_seven_days(client_for, viewer, companies):
    from datetime import UTC, datetime

    response = client_for(viewer).get(reverse("usage:export"))
    assert response.status_code == 200
    today = datetime.now(UTC).date()
    form = response.context["form"]
    assert form.initial["end"] == today
    assert form.initial["start"] == today - timedelta(days=6)
    assert f'value="{today - timedelta(days=6):%Y-%m-%d}"' in response.content.decode()
    assert "companies" not in form.initial  # every company unless the dashboard chose
