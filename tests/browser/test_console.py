"""The API console in Chromium, as each role: find an operation, fill its form, send it, read the
answer, follow pages and Background requests, confirm writes, and never see a token."""

from __future__ import annotations

import logging
import re

import pytest
from playwright.sync_api import expect

from tenants import erp as tenant_erp
from tenants.token_store import get_token_store
from tests.tenants.helpers import onboard_demo

pytestmark = pytest.mark.django_db(transaction=True)

GET_ONE = "financials.SupplierInvoice_GetByinvoiceNumber"
PUT = "financials.SupplierInvoice_PutByinvoiceNumber"
RELEASE = "financials.SupplierInvoice_ReleaseInvoiceByinvoiceNumber"
V3_DELETE = "salesorders.SalesOrders_Delete_typeorderId"


@pytest.fixture
def tenant(erp, clients, isolated_world):
    made = onboard_demo(clients, "healthy")
    made.status = "active"
    made.save(update_fields=["status"])
    return made


def _console(page, live_server, tenant, op: str | None = None, **query):
    url = f"{live_server.url}/operations/console/{tenant.pk}/"
    params = {**({"op": op} if op else {}), **query}
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    page.goto(url)
    return page


def _answer(page):
    return page.locator("#console-answer")


def _first_invoice(page, live_server, tenant) -> tuple[str, str]:
    """The document type and number of a balanced invoice, read through the console's list
    form."""
    _console(page, live_server, tenant, "financials.SupplierInvoice_GetAllInvoices")
    page.get_by_label("status", exact=True).select_option("Balanced")
    page.get_by_label("pageSize", exact=True).fill("1")
    page.get_by_role("button", name="Send GET").click()
    expect(_answer(page)).to_contain_text("200 OK")
    text = _answer(page).locator(".console-body pre.raw").last.text_content()
    number = re.search(r'"referenceNumber": "([^"]+)"', text).group(1)
    return re.search(r'"documentType": "([^"]+)"', text).group(1), number


def test_an_operator_gets_supplier_invoices_modified_since_a_time_and_sees_the_budget_left(
    sign_in, page, live_server, operator, tenant, caplog
):
    caplog.set_level(logging.DEBUG)
    sign_in(operator)
    page.goto(f"{live_server.url}/operations/console/")
    page.get_by_label("Find a tenant").fill("Nordlys")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name=tenant.display_name).click()
    page.get_by_label("Find an operation").fill("supplierInvoice")
    page.get_by_role("button", name="Find").click()
    expect(page.locator("#console-operations")).to_contain_text("operations match")
    page.locator("#console-operations a", has_text="/v1/supplierInvoice").filter(
        has_text="Get a range of Invoices"
    ).first.click()
    expect(page.locator("#console-op-title")).to_contain_text("/v1/supplierInvoice")
    page.get_by_label("lastModifiedDateTime", exact=True).fill("2020-01-01T00:00:00")
    page.get_by_label("lastModifiedDateTimeCondition", exact=True).select_option(">=")
    page.get_by_label("pageSize", exact=True).fill("2")
    page.get_by_role("button", name="Send GET").click()
    answer = _answer(page)
    expect(answer).to_contain_text("200 OK")
    expect(answer.locator(".budget-left")).to_contain_text("calls this hour")
    expect(answer).to_contain_text("X-RateLimit-Remaining")
    expect(answer.locator("details.body-part").first).to_be_visible()
    answer.locator("details.body-part summary").first.click()
    expect(answer.locator("details.body-part pre").first).to_contain_text("referenceNumber")
    history = page.locator(".console-history")
    expect(history).to_contain_text("lastModifiedDateTimeCondition=%3E%3D")

    page.get_by_role("button", name="Follow the next page").click()
    expect(history).to_contain_text("pageNumber=2")

    history.get_by_role("link", name="Run again").first.click()
    expect(page.get_by_label("pageNumber", exact=True)).to_have_value("2")
    with page.expect_popup() as popup:
        history.get_by_role("link", name="Copy as curl").first.click()
    curl = popup.value.locator("body").inner_text()
    assert "Bearer $VISMA_ACCESS_TOKEN" in curl
    page.get_by_role("link", name="Mine").click()
    expect(page.locator(".console-history")).to_contain_text(operator.email)
    page.get_by_role("link", name="Everyone's calls").click()
    expect(page.locator(".console-history")).to_contain_text("pageNumber=2")
    page.get_by_text("What the spec says").click()
    expect(page.locator("pre.spec-text")).to_be_visible()
    page.get_by_role("button", name="Send GET").click()
    _answer(page).get_by_text("Headers", exact=True).click()
    expect(_answer(page).locator("table.headers")).to_contain_text("x-ratelimit-remaining")
    _answer(page).get_by_text("Copy as curl", exact=True).click()
    expect(_answer(page).locator("pre.curl")).to_contain_text("$VISMA_ACCESS_TOKEN")
    page.get_by_role("link", name="The tenant's page").click()
    expect(page).to_have_url(re.compile(rf"/tenants/{tenant.pk}/$"))

    token = get_token_store().get(tenant_erp.token_keys(tenant)[0])
    assert token is not None, "the console's calls used the tenant's token"
    assert token.access_token not in page.content()
    assert token.access_token not in curl
    page.goto(f"{live_server.url}/operations/console/")
    assert token.access_token not in page.content()
    for record in caplog.records:
        assert token.access_token not in record.getMessage()


def test_an_operator_may_read_a_write_form_but_not_send_it(
    sign_in, page, live_server, operator, tenant
):
    sign_in(operator)
    _console(page, live_server, tenant, PUT)
    expect(page.get_by_role("alert")).to_contain_text("Only admins send a PUT")
    expect(page.get_by_role("button", name=re.compile("^Send"))).to_have_count(0)


def test_an_admins_put_with_a_stale_if_match_shows_412_explained(
    sign_in, page, live_server, admin, tenant, sandbox
):
    sign_in(admin)
    document_type, number = _first_invoice(page, live_server, tenant)
    _console(page, live_server, tenant, GET_ONE)
    page.get_by_label("invoiceNumber", exact=True).fill(number)
    page.get_by_role("button", name="Send GET").click()
    etag = _answer(page).locator("code.etag").inner_text()
    assert etag
    sandbox.control(
        "POST",
        f"/_sandbox/tenants/{tenant.tenant_id}/supplier-invoices/{document_type}/{number}/touch",
    )
    _console(page, live_server, tenant, PUT)
    page.get_by_label("invoiceNumber", exact=True).fill(number)
    page.get_by_label("If-Match", exact=True).fill(etag)
    page.get_by_label("Body (JSON)").fill('{"description": {"value": "mine"}}')
    page.get_by_role("button", name=re.compile("^Send PUT to ")).click()
    expect(page.locator(".errorlist")).to_contain_text("Tick this box")
    page.get_by_label(re.compile("^Send this PUT to ")).check()
    page.get_by_role("button", name=re.compile("^Send PUT to ")).click()
    answer = _answer(page)
    expect(answer).to_contain_text("412 Precondition Failed")
    expect(answer.locator(".erp-error")).to_contain_text("Nothing was overwritten")
    answer.get_by_role("link", name="Read the current version").click()
    expect(page.get_by_label("invoiceNumber", exact=True)).to_have_value(number)
    page.get_by_role("button", name="Send GET").click()
    current = _answer(page).locator("code.etag").inner_text()
    assert current and current != etag


def test_an_admin_starts_a_v3_order_from_the_schemas_example(
    sign_in, page, live_server, admin, tenant
):
    sign_in(admin)
    _console(page, live_server, tenant, "salesorders.SalesOrders_CreateNewItem_")
    body = page.get_by_label("Body (JSON)")
    expect(body).to_have_value("")
    page.get_by_text("Example body from the schema").click()
    page.get_by_role("link", name="Start from the example").click()
    expect(page.get_by_label("Body (JSON)")).to_have_value(re.compile('"orderLines"'))
    page.get_by_label("Body (JSON)").fill('{"type": "SO"}')
    page.get_by_label(re.compile("^Send this POST to ")).check()
    page.get_by_role("button", name=re.compile("^Send POST to ")).click()
    errors = page.locator(".errorlist")
    expect(errors).to_contain_text("Nothing was sent")
    expect(errors).to_contain_text("'customer' is a required property")
    expect(page.locator("#console-answer")).to_have_count(0)


def test_an_admin_sends_a_delete_only_with_the_second_box(
    sign_in, page, live_server, admin, tenant
):
    sign_in(admin)
    _console(page, live_server, tenant, V3_DELETE)
    page.get_by_label("type", exact=True).fill("SO")
    page.get_by_label("orderId", exact=True).fill("NO-SUCH-ORDER")
    page.get_by_label("If-Match", exact=True).fill('"abc"')
    page.get_by_label(re.compile("^Send this DELETE to ")).check()
    send = page.get_by_role("button", name=re.compile("^Send DELETE to "))
    send.click()
    expect(page.locator(".errorlist")).to_contain_text("second box")
    expect(page.locator("#console-answer")).to_have_count(0)
    page.get_by_label(re.compile("^Yes, delete it in ")).check()
    page.get_by_role("button", name=re.compile("^Send DELETE to ")).click()
    answer = _answer(page)
    expect(answer).to_contain_text("404")
    expect(answer.locator(".erp-error")).to_be_visible()


def test_an_admin_follows_a_202_background_request(sign_in, page, live_server, admin, tenant):
    sign_in(admin)
    _, number = _first_invoice(page, live_server, tenant)
    _console(page, live_server, tenant, RELEASE)
    page.get_by_label("invoiceNumber", exact=True).fill(number)
    page.get_by_label("erp-api-background", exact=True).select_option("none")
    page.get_by_label(re.compile("^Send this POST to ")).check()
    page.get_by_role("button", name=re.compile("^Send POST to ")).click()
    answer = _answer(page)
    expect(answer).to_contain_text("202 Accepted")
    expect(answer).to_contain_text("Background request")
    expect(answer.get_by_role("link", name="The tenant's Background jobs")).to_have_attribute(
        "href", f"/operations/tenants/{tenant.pk}/jobs/"
    )
    answer.get_by_role("link", name="Read its state here").click()
    expect(page.locator("#console-op-title")).to_contain_text("/v1/background/{requestId}")
    page.get_by_role("button", name="Send GET").click()
    expect(_answer(page)).to_contain_text("200 OK")


def test_a_viewer_cannot_reach_the_console(sign_in, page, live_server, viewer, tenant):
    sign_in(viewer)
    response = page.goto(f"{live_server.url}/operations/console/")
    assert response.status == 403
    response = page.goto(f"{live_server.url}/operations/console/{tenant.pk}/?op={GET_ONE}")
    assert response.status == 403
    expect(page.locator("body")).not_to_contain_text("Send GET")


def test_a_failed_check_step_shows_the_erps_answer_explained(
    sign_in, page, live_server, viewer, erp, clients, isolated_world
):
    from tenants import health
    from tenants.models import CheckTrigger

    tenant = onboard_demo(clients, "no_license")
    health.check_tenant(tenant=tenant, trigger=CheckTrigger.MANUAL)
    sign_in(viewer)
    page.goto(f"{live_server.url}/tenants/{tenant.pk}/")
    explained = page.locator("details.step-explained")
    expect(explained).to_have_count(1)
    explained.locator("summary").first.click()
    entry = explained.locator(".erp-error")
    expect(entry).to_contain_text("No license for this company (12027)")
    expect(entry).to_contain_text("Who must act:")
    entry.get_by_text("Message for the customer").click()
    expect(entry.locator("pre.customer-message")).to_contain_text("API User")
    entry.get_by_text("The ERP's answer").click()
    expect(entry.locator(".erp-error-raw pre")).to_contain_text("12027")

    # On a phone the raw answer's long line scrolls inside its box; the page does not widen.
    page.set_viewport_size({"width": 390, "height": 800})
    raw_width = entry.locator(".erp-error-raw pre").evaluate("pre => pre.scrollWidth")
    assert raw_width > 390  # a line longer than the screen, so the check below can fail
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
