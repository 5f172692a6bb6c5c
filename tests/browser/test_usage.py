"""The usage pages in Chromium: the demo companies with their limits, the throttled filter, the
self-refreshing table that keeps sort, filters and scroll, and a company's chart."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from erpclient import ErpClient, RateLimited
from erpsim.world import DEMO_CLIENTS, DEMO_TENANTS
from tests.conftest import sandbox_away_from_the_hour
from tests.usage.helpers import isolated_usage
from usage import services
from usage.limiter import get_limiter
from usage.models import MeteredCompany
from usage.recorder import get_recorder

pytestmark = pytest.mark.django_db(transaction=True)

HEALTHY = [tenant for tenant in DEMO_TENANTS if tenant["scenario"] == "healthy"]


@pytest.fixture
def usage_settings(settings):
    yield from isolated_usage(settings)


@pytest.fixture
def demo_companies(usage_settings, sandbox):
    """The demo tenants metered for both demo clients, and one of them really throttled by the
    sandbox ERP (its hour used up, then one more call)."""
    for tenant in DEMO_TENANTS:
        for client in DEMO_CLIENTS:
            services.metered_company_sync(
                client_id=client["client_id"],
                tenant_id=tenant["tenant_id"],
                company_id=tenant["company_id"],
                name=tenant["name"],
                client_type=client["type"],
                hourly_limit=500 if client["type"] == "test" else 15_000,
                tenant_pk=None,
                active=True,
            )
    tenant, client = HEALTHY[0], DEMO_CLIENTS[0]
    sandbox_away_from_the_hour(sandbox)
    sandbox.control(
        "POST",
        "/_sandbox/usage",
        {"tenant_id": tenant["tenant_id"], "client_id": client["client_id"], "used": 500},
    )
    with (
        ErpClient.sandbox(
            sandbox.url,
            client_id=client["client_id"],
            client_secret=client["client_secret"],
            tenant_id=tenant["tenant_id"],
            limiter=get_limiter(),
            recorder=get_recorder(),
        ) as erp,
        pytest.raises(RateLimited),
    ):
        erp.context.list()
    get_recorder().flush()
    return MeteredCompany.objects.get(client_id=client["client_id"], tenant_id=tenant["tenant_id"])


def rows(page):
    return page.locator("#usage-table tbody tr")


def test_the_dashboard_lists_the_demo_companies_and_filters_to_the_throttled(
    sign_in, page, live_server, viewer, demo_companies
):
    sign_in(viewer)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Usage").click()
    expect(page.get_by_role("heading", name="Usage", exact=True)).to_be_visible()
    expect(rows(page)).to_have_count(len(DEMO_TENANTS) * len(DEMO_CLIENTS))
    test_row = rows(page).filter(has_text="isv_demo_test").filter(has_text=HEALTHY[1]["name"])
    prod_row = rows(page).filter(has_text="isv_demo_prod").filter(has_text=HEALTHY[1]["name"])
    expect(test_row).to_contain_text("0 / 500")
    expect(prod_row).to_contain_text("0 / 15,000")
    throttled = rows(page).filter(has_text=demo_companies.name).filter(has_text="isv_demo_test")
    expect(throttled).to_contain_text("500 / 500")
    expect(throttled).to_contain_text("Held until")

    page.get_by_label("Throttled").check()
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text(demo_companies.name)
    expect(page).to_have_url(re.compile(r"throttled=on"))


def test_the_refresh_keeps_sort_filter_and_scroll(
    sign_in, page, live_server, viewer, demo_companies, settings
):
    settings.USAGE_DASHBOARD_REFRESH_SECONDS = 1
    page.set_viewport_size({"width": 1200, "height": 500})
    sign_in(viewer)
    page.goto(f"{live_server.url}/usage/?client=isv_demo_prod")
    page.get_by_role("link", name="Company").click()  # sort by name (A to Z)
    expect(page).to_have_url(re.compile(r"sort=name&dir=asc"))
    first_names = rows(page).locator("td:first-child a").all_inner_texts()
    assert first_names == sorted(first_names)
    page.mouse.wheel(0, 300)
    expect(rows(page).nth(3)).to_be_in_viewport()
    scrolled = page.evaluate("() => window.scrollY")
    assert scrolled > 100
    # Wait for two refreshes, by the time the page says it was updated.
    stamp = page.locator(".refresh-note time")
    for _ in range(2):
        expect(stamp).not_to_have_attribute(
            "datetime", stamp.get_attribute("datetime"), timeout=10_000
        )
    assert page.evaluate("() => window.scrollY") == scrolled
    assert rows(page).locator("td:first-child a").all_inner_texts() == first_names
    expect(rows(page)).to_have_count(len(DEMO_TENANTS))  # still only the production client
    expect(page.get_by_label("API client")).to_have_value("isv_demo_prod")
    # A filter change after the refreshes still sorts by name.
    page.get_by_label("Search").fill("AB")
    expect(rows(page).first).to_contain_text("AB")
    expect(page).to_have_url(re.compile(r"sort=name"))
    names = rows(page).locator("td:first-child a").all_inner_texts()
    assert names == sorted(names)


@pytest.mark.smoke
def test_the_company_page_shows_its_chart(sign_in, page, live_server, viewer, demo_companies):
    from tests.usage.factories import add_hours

    add_hours(demo_companies, 40, calls=300, throttled=4)
    sign_in(viewer)
    page.goto(f"{live_server.url}/usage/")
    page.get_by_role("link", name=demo_companies.name).first.click()
    expect(page.get_by_role("heading", name=demo_companies.name)).to_be_visible()
    chart = page.locator("svg#usage-chart")
    expect(chart).to_be_visible()
    assert chart.locator("rect.bar").count() >= 40
    expect(chart.locator("line.limit-line")).to_have_count(1)
    expect(chart).to_contain_text("limit 500")
    expect(page.locator("#throttled-calls")).to_contain_text("GET /resources/v1/context")
    expect(page.locator(".alert-bad")).to_contain_text("held until")
