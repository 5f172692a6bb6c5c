"""What a first walk through the operations pages found, each kept fixed: in Chromium, as the
role and at the width where it showed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.tenants.helpers import onboard_demo

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("isolated_world")]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def tenant(erp, clients):
    made = onboard_demo(clients, "healthy")
    made.status = "active"
    made.save(update_fields=["status"])
    return made


def _page_width(page) -> tuple[int, int]:
    return page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")


def test_a_viewer_is_not_offered_the_api_console_an_operator_opens_it(
    sign_in, page, live_server, viewer, operator, tenant
):
    sign_in(viewer)
    page.goto(f"{live_server.url}/operations/")
    expect(page.get_by_role("link", name="Supplier invoices").first).to_be_visible()
    # The console is for operators and admins: no card and no per-tenant link leading to a 403.
    expect(page.locator("main a[href*='/operations/console/']")).to_have_count(0)
    expect(page.get_by_role("columnheader", name="API console")).to_have_count(0)

    page.context.clear_cookies()
    sign_in(operator)
    page.goto(f"{live_server.url}/operations/")
    row = page.get_by_role("row").filter(has_text=tenant.display_name)
    row.get_by_role("cell").last.get_by_role("link", name="Open").click()
    expect(page).to_have_url(f"{live_server.url}/operations/console/{tenant.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(tenant.display_name)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
def test_a_long_erp_answer_on_a_job_page_scrolls_in_its_box(
    sign_in, page, live_server, viewer, tenant, viewport
):
    from operations.jobs.models import BackgroundJob, JobOutcome, JobStatus

    body = '{"ExceptionType":"IPPException","ExceptionMessage":"' + "x" * 400 + '"}'
    job = BackgroundJob.objects.create(
        tenant=tenant,
        operation="release",
        document_kind="supplier_invoice",
        document_type="Invoice",
        document_number="100004",
        status=JobStatus.FAILED,
        outcome=JobOutcome.REFUSED,
        response_status=200,
        response_content_type="application/json",
        response_content=body,
    )
    page.set_viewport_size(viewport)
    sign_in(viewer)
    page.goto(f"{live_server.url}/operations/jobs/{job.pk}/")
    answer = page.locator("pre", has_text="IPPException")
    expect(answer).to_be_visible()
    scroll_width, window_width = _page_width(page)
    assert scroll_width <= window_width
    # The answer is all there, to scroll to inside its own box.
    assert answer.evaluate("el => el.scrollWidth > el.clientWidth")
