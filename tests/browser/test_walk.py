"""What a first walk through the operations pages found, each kept fixed: in Chromium, as the
role and at the width where it showed."""

from __future__ import annotations

import re

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


def _settled(page):
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


def test_the_keyboard_keeps_its_place_on_the_order_form(
    sign_in, page, live_server, operator, tenant
):
    """Every round trip re-renders the form, and the button or field that had the focus used to
    go with it: the focus fell back to the page and a keyboard user started over from the top."""
    page.set_viewport_size(PHONE)
    sign_in(operator)
    page.goto(f"{live_server.url}/operations/tenants/{tenant.pk}/orders/new/")
    page.wait_for_load_state("load")
    customer = page.get_by_label("Customer", exact=True)

    customer.press_sequentially("Bergen")
    page.locator("#customer-suggest").get_by_role("button").first.wait_for()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#customer-picked")).to_contain_text("10000 Bergen Sportsbutikk AS")
    expect(customer).to_be_focused()
    # The pick's round trip re-rendered the form: type into the new one, not the one leaving.
    _settled(page)

    page.get_by_label("Line 1, item").press_sequentially("BIKE")
    page.locator("#line-0-suggest").get_by_role("button").first.wait_for()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Line 1, item")).to_have_value("BIKE-CITY")
    expect(page.get_by_label("Line 1, quantity")).to_be_focused()

    # Enter in a field refreshes the form; the field keeps the focus and what was typed.
    page.keyboard.type("4")
    page.keyboard.press("Enter")
    _settled(page)
    expect(page.get_by_label("Line 1, quantity")).to_be_focused()
    expect(page.get_by_label("Line 1, quantity")).to_have_value("4")

    for _ in range(2):
        page.get_by_role("button", name="Add line").focus()
        page.keyboard.press("Enter")
        _settled(page)
    expect(page.get_by_label("Line 3, item")).to_be_focused()

    # Changing a line's purchase source re-renders the form too.
    page.get_by_label("Line 2, purchase").focus()
    page.get_by_label("Line 2, purchase").select_option("purchaseToOrder")
    expect(page.get_by_label("Line 2, supplier")).to_be_visible()
    _settled(page)
    expect(page.get_by_label("Line 2, purchase")).to_be_focused()

    # Removing a line leaves the focus on the line that took its place, then on the one before.
    page.get_by_role("button", name="Remove line 2").focus()
    page.keyboard.press("Enter")
    expect(page.locator("tr.order-line")).to_have_count(2)
    expect(page.get_by_label("Line 2, item")).to_be_focused()
    page.get_by_role("button", name="Remove line 2").focus()
    page.keyboard.press("Enter")
    expect(page.locator("tr.order-line")).to_have_count(1)
    expect(page.get_by_label("Line 1, item")).to_be_focused()
    expect(page.get_by_label("Line 1, item")).to_have_value("BIKE-CITY")


def test_a_viewer_on_a_conflict_is_told_who_may_act_not_that_the_action_is_impossible(
    sign_in, page, live_server, viewer, operator, tenant
):
    from operations.jobs.models import BackgroundJob, JobOutcome, JobStatus
    from tests.operations.jobs.helpers import find_invoice

    invoice = find_invoice(tenant, "Balanced")
    job = BackgroundJob.objects.create(
        tenant=tenant,
        operation="release",
        document_kind="supplier_invoice",
        document_type=invoice.document_type,
        document_number=invoice.number,
        if_match='"an older version"',
        seen={"status": "Balanced"},
        status=JobStatus.FAILED,
        outcome=JobOutcome.CONFLICT,
        erp_status_code=412,
    )
    url = f"{live_server.url}/operations/jobs/{job.pk}/conflict/"

    sign_in(viewer)
    page.goto(url)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Release is still possible on this Balanced document")
    expect(main).to_contain_text("only an operator or an admin can send it again")
    expect(main).not_to_contain_text("no longer possible")
    expect(page.get_by_role("button", name="Confirm again")).to_have_count(0)
    main.get_by_role("link", name="Open the latest").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Invoice {invoice.number}")

    page.context.clear_cookies()
    sign_in(operator)
    page.goto(url)
    expect(
        page.get_by_role("button", name="Confirm again: release on the latest version")
    ).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("only an operator or an admin")


@pytest.mark.parametrize("role", ["viewer", "operator"])
def test_the_tenant_page_links_to_each_operations_page_the_role_may_open(
    sign_in, page, live_server, viewer, operator, tenant, role
):
    page.set_viewport_size(PHONE)
    sign_in({"viewer": viewer, "operator": operator}[role])
    page.goto(f"{live_server.url}/tenants/{tenant.pk}/")
    nav = page.get_by_role("navigation", name="Operations on this tenant")
    expected = ["Supplier invoices", "Supplier payments", "Background jobs"]
    if role == "operator":
        expected.append("API console")
    expect(nav.get_by_role("link")).to_have_text(expected)
    headings = {
        "Supplier invoices": f"Supplier invoices of {tenant.display_name}",
        "Supplier payments": f"Supplier payments of {tenant.display_name}",
        "Background jobs": tenant.display_name,
        "API console": tenant.display_name,
    }
    for name in expected:
        page.goto(f"{live_server.url}/tenants/{tenant.pk}/")
        page.get_by_role("navigation", name="Operations on this tenant").get_by_role(
            "link", name=name
        ).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(headings[name])
    scroll_width, window_width = _page_width(page)
    assert scroll_width <= window_width


_LABELS_FIT = """() => Array.from(
  document.querySelectorAll('table.conflict td[data-label]')
).every(td => {
    // Each cell's column name (its ::before) must fit inside the cell, not run into the next one.
    const live = getComputedStyle(td, '::before');
    const names = ['width', 'fontSize', 'fontWeight', 'fontFamily', 'letterSpacing',
                   'textTransform', 'lineHeight', 'overflowWrap'];
    const style = Object.fromEntries(names.map(name => [name, live[name]]));
    const top = parseFloat(live.top);
    const probe = document.createElement('div');
    Object.assign(probe.style, style, {position: 'absolute', visibility: 'hidden'});
    probe.textContent = td.dataset.label;
    document.body.appendChild(probe);
    const needed = top + probe.getBoundingClientRect().height;
    probe.remove();
    return td.getBoundingClientRect().height + 0.5 >= needed;
})"""


def test_the_edit_conflict_fits_a_phone_and_its_labels_do_not_overlap(
    sign_in, page, live_server, operator, tenant, erp
):
    from tests.operations.jobs.helpers import find_invoice

    invoice = find_invoice(tenant, "Balanced")
    page.set_viewport_size(PHONE)
    sign_in(operator)
    page.goto(
        f"{live_server.url}/operations/tenants/{tenant.pk}/invoices/"
        f"{invoice.document_type}/{invoice.number}/"
    )
    page.get_by_role("link", name="Edit the header").click()
    erp.control(
        "POST",
        f"/_sandbox/tenants/{tenant.tenant_id}/supplier-invoices/"
        f"{invoice.document_type}/{invoice.number}/touch",
        {"description": "Changed by someone else", "supplierReference": "OTHER-REF"},
    )
    page.get_by_label("Description").fill("Mine")
    page.get_by_role("button", name="Save the header").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("changed while you edited it")
    clash = page.locator("table.conflict tr.clash")
    expect(clash.get_by_role("rowheader")).to_contain_text("you both changed it")
    scroll_width, window_width = _page_width(page)
    assert scroll_width <= window_width
    assert page.evaluate(_LABELS_FIT)

    page.get_by_role("button", name="Re-apply my changes to the latest version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Invoice {invoice.number}")
    expect(page.get_by_role("main")).to_contain_text("Mine")


def test_supplier_lists_say_when_nothing_matches_and_offer_only_filters_the_erp_takes(
    sign_in, page, live_server, operator, tenant
):
    sign_in(operator)
    invoices = f"{live_server.url}/operations/tenants/{tenant.pk}/invoices/"
    page.goto(invoices)
    page.get_by_label("Supplier", exact=True).fill("99999")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("main")).to_contain_text("No invoice matches these filters.")
    page.get_by_role("link", name="Clear filters").click()
    expect(page).to_have_url(invoices)
    expect(page.get_by_label("Supplier", exact=True)).to_have_value("")
    expect(page.get_by_role("row")).not_to_have_count(1)  # the header and the invoices again

    page.goto(f"{invoices}?page=999")
    expect(page.get_by_role("main")).to_contain_text("Page 999 is past the end of this list.")
    expect(page.get_by_role("main")).not_to_contain_text("matches these filters")
    # Page 998 would be past the end too: only the way back to the first page is offered.
    expect(page.get_by_role("link", name="← Previous")).to_have_count(0)
    page.get_by_role("link", name="Back to the first page").click()
    expect(page).to_have_url(invoices)
    expect(page.get_by_test_id("empty-list")).to_have_count(0)

    page.goto(f"{live_server.url}/operations/tenants/{tenant.pk}/payments/?page=999")
    expect(page.get_by_role("main")).to_contain_text("Page 999 is past the end of this list.")

    # Every document type the filter offers is one the ERP's list accepts.
    page.goto(invoices)
    types = (
        page.get_by_label("Document type")
        .locator("option")
        .evaluate_all("options => options.map(o => o.value).filter(Boolean)")
    )
    assert "Invoice" in types
    for document_type in types:
        page.get_by_label("Document type").select_option(document_type)
        page.get_by_role("button", name="Filter").click()
        expect(page).to_have_url(re.compile(rf"document_type={document_type}(&|$)"))
        # Read from the ERP, or (the select already filtered as it changed) the portal's copy.
        expect(page.get_by_test_id("erp-cost")).to_contain_text(
            re.compile("This page cost|No ERP call")
        )
        expect(page.locator(".erp-error")).to_have_count(0)

    payments = f"{live_server.url}/operations/tenants/{tenant.pk}/payments/"
    page.goto(payments)
    types = (
        page.get_by_label("Type", exact=True)
        .locator("option")
        .evaluate_all("options => options.map(o => o.value).filter(Boolean)")
    )
    assert "Payment" in types
    for payment_type in types:
        page.get_by_label("Type", exact=True).select_option(payment_type)
        page.get_by_role("button", name="Filter").click()
        expect(page).to_have_url(re.compile(rf"payment_type={payment_type}(&|$)"))
        expect(page.get_by_test_id("erp-cost")).to_contain_text(
            re.compile("This page cost|No ERP call")
        )
        expect(page.locator(".erp-error")).to_have_count(0)
