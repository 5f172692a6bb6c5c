"""In Chromium, against the sandbox ERP and a real Celery worker: release an invoice and watch its
job reach "finished, verified: Open"; a change made in the ERP between opening and saving shows the
conflict view; prebook with an account and subaccount; attach a file to a line; release a
supplier payment; what a viewer is offered."""

from __future__ import annotations

import re
import uuid

import pytest
from django.db import connection
from playwright.sync_api import expect

from tests.tenants.helpers import onboard_demo
from tests.worker_process import celery_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("isolated_world")]

JOB_TIMEOUT_MS = 60_000


@pytest.fixture
def tenant(clients, erp):
    tenant = onboard_demo(clients, "healthy")
    tenant.status = "active"
    tenant.save(update_fields=["status"])
    return tenant


@pytest.fixture
def worker(settings, erp):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process must reach the test database; CI runs this on PostgreSQL")
    settings.OPERATIONS_JOBS_QUEUE = f"browser-jobs-{uuid.uuid4().hex[:8]}"
    with celery_worker(
        settings,
        erp.url,
        settings.OPERATIONS_JOBS_QUEUE,
        OPERATIONS_JOB_NOTIFY_WAIT_SECONDS="0.3",
        OPERATIONS_JOB_POLL_FIRST_SECONDS="0.3",
    ) as process:
        yield process


def _open_first_invoice(page, live_server, tenant, status="Balanced"):
    page.goto(
        f"{live_server.url}/operations/tenants/{tenant.pk}/invoices/"
        f"?status={status}&document_type=Invoice"
    )
    row = page.get_by_role("table", name="Supplier invoices").locator("tbody tr").first
    expect(row.locator("td[data-label=Type]")).to_have_text("Invoice")
    expect(row).to_contain_text(status)
    link = row.get_by_role("link").first
    number = link.inner_text()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Invoice {number}")
    return number


def _expect_job(page, text: str) -> None:
    expect(page.get_by_test_id("job-summary")).to_have_text(text, timeout=JOB_TIMEOUT_MS)


def test_release_an_invoice_and_watch_its_job_reach_verified(
    sign_in, page, live_server, operator, tenant, worker
):
    sign_in(operator)
    number = _open_first_invoice(page, live_server, tenant)
    expect(page.get_by_test_id("erp-cost")).to_contain_text("ERP call")
    page.get_by_text("Release…").click()
    page.get_by_role("button", name=f"Confirm: release Invoice {number}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Release Invoice {number}")
    _expect_job(page, "finished, verified: Open")
    expect(page.get_by_role("button", name="Check now")).to_have_count(0)
    timeline = page.locator("ol.timeline")
    for step in ("Created", "Sent to the ERP", "202 accepted", "Finished", "Verified by GET"):
        expect(timeline).to_contain_text(step)
    page.get_by_role("link", name=f"Invoice {number}").click()
    expect(page.get_by_test_id("invoice-status")).to_contain_text("Open")
    expect(page.locator("section", has_text="Jobs on this invoice")).to_contain_text(
        "finished, verified: Open"
    )


def test_the_list_filters_survive_paging_and_a_reload(sign_in, page, live_server, viewer, tenant):
    sign_in(viewer)
    page.goto(f"{live_server.url}/operations/tenants/{tenant.pk}/invoices/")
    page.get_by_label("Status").select_option("Open")
    expect(page).to_have_url(re.compile(r"status=Open"))  # the filtered page and its links
    table = page.get_by_role("table", name="Supplier invoices")
    expect(table.locator("tbody tr").first).to_contain_text("Open")
    page.get_by_role("link", name="Next →").click()
    expect(page.get_by_text("Page 2")).to_be_visible()
    page.reload()
    expect(page.get_by_text("Page 2")).to_be_visible()
    expect(page.get_by_label("Status")).to_have_value("Open")
    for status in table.locator("tbody tr td[data-label=Status]").all_inner_texts():
        assert status.startswith("Open")
    table.locator("tbody tr").first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Actions")).to_be_visible()
    expect(page.get_by_text("Release…")).to_have_count(0)
    expect(page.get_by_text("operators and admins act on them")).to_be_visible()


def test_a_change_in_the_erp_before_saving_shows_the_conflict(
    sign_in, page, live_server, operator, tenant, erp
):
    sign_in(operator)
    number = _open_first_invoice(page, live_server, tenant)
    page.get_by_role("link", name="Edit the header").click()
    page.get_by_label("Description").fill("Checked against the delivery note")
    # Someone else changes the invoice in the ERP meanwhile.
    erp.control(
        "POST",
        f"/_sandbox/tenants/{tenant.tenant_id}/supplier-invoices/Invoice/{number}/touch",
        {"supplierReference": "CHANGED-IN-ERP"},
    )
    page.get_by_role("button", name="Save the header").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("changed while you edited it")
    changed = page.locator('tr[data-field="supplier_reference"]')
    expect(changed).to_contain_text("CHANGED-IN-ERP")
    expect(changed).to_contain_text("changed in the ERP")
    expect(changed).to_have_class("changed")
    mine = page.locator('tr[data-field="description"]')
    expect(mine).to_contain_text("your change")
    expect(page.locator('tr[data-field="due_date"]')).not_to_have_class("changed")
    page.get_by_role("button", name="Re-apply my changes to the latest version").click()
    expect(page.get_by_text("Saved. The invoice's version is now")).to_be_visible()
    expect(page.get_by_test_id("invoice-description")).to_have_text(
        "Checked against the delivery note"
    )
    # The other person's change stayed.
    expect(page.locator("dl.details")).to_contain_text("CHANGED-IN-ERP")


@pytest.mark.parametrize("choice", ["Discard my changes", "Open the latest version in the editor"])
def test_discard_or_open_the_latest_after_a_conflict(
    sign_in, page, live_server, operator, tenant, erp, choice
):
    # Each choice in a test of its own: the ERP refuses a sixth identical read of one invoice
    # within a minute, and these pages read it often.
    sign_in(operator)
    number = _open_first_invoice(page, live_server, tenant)
    page.get_by_role("link", name="Edit the header").click()
    page.get_by_label("Description").fill("Mine, to be discarded")
    erp.control(
        "POST",
        f"/_sandbox/tenants/{tenant.tenant_id}/supplier-invoices/Invoice/{number}/touch",
        {"description": "Theirs"},
    )
    page.get_by_role("button", name="Save the header").click()
    expect(page.locator('tr[data-field="description"]')).to_have_class("changed clash")
    page.get_by_role("link", name=choice).click()
    if choice.startswith("Open"):
        expect(page.get_by_label("Description")).to_have_value("Theirs")
        page.get_by_role("link", name="Back to the invoice").click()
    expect(page.get_by_test_id("invoice-description")).to_have_text("Theirs")


def test_prebook_with_an_account_and_a_subaccount(
    sign_in, page, live_server, admin, tenant, worker
):
    sign_in(admin)
    number = _open_first_invoice(page, live_server, tenant)
    page.get_by_text("Prebook…").click()
    page.get_by_label("Account", exact=True).select_option("4300")
    page.get_by_label("Subaccount").select_option("100-10")
    page.get_by_role("button", name=f"Confirm: prebook Invoice {number}").click()
    _expect_job(page, "finished, verified: Prebooked")
    expect(page.locator("dl.details")).to_contain_text("Account 4300")


def test_a_refused_file_type_comes_back_on_the_same_form(
    sign_in, page, live_server, operator, tenant
):
    from operations.jobs.models import BackgroundJob

    sign_in(operator)
    number = _open_first_invoice(page, live_server, tenant)
    page.get_by_text("Attach a file…").click()
    page.get_by_label("File").set_input_files(
        files=[{"name": "setup.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}]
    )
    page.get_by_label("Attach to").select_option("1")
    page.get_by_role("button", name=f"Confirm: attach a file to Invoice {number}").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Invoice {number}")
    attach = page.locator('details[data-action="attach"]')
    expect(attach).to_have_attribute("open", "")
    expect(attach.get_by_role("alert").first).to_contain_text("Nothing was sent to the ERP")
    expect(attach.locator("#id_file_errors")).to_contain_text("does not take .exe files")
    expect(page.get_by_label("File")).to_be_focused()
    expect(page.get_by_label("Attach to")).to_have_value("1")
    assert not BackgroundJob.objects.exists()


def test_attach_a_file_to_a_line(sign_in, page, live_server, operator, tenant, worker):
    sign_in(operator)
    number = _open_first_invoice(page, live_server, tenant)
    page.get_by_text("Attach a file…").click()
    expect(page.get_by_text("At most 25 MB").first).to_be_visible()
    page.get_by_label("File").set_input_files(
        files=[
            {"name": "delivery-note.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 note"}
        ]
    )
    page.get_by_label("Attach to").select_option("1")
    page.get_by_role("button", name=f"Confirm: attach a file to Invoice {number}").click()
    _expect_job(page, "finished, verified: Balanced")
    page.get_by_role("link", name=f"Invoice {number}").click()
    line = page.get_by_role("table", name="Lines").locator("tbody tr").first
    expect(line).to_contain_text("delivery-note.pdf (revision 1)")


def test_release_a_supplier_payment(sign_in, page, live_server, operator, tenant, worker):
    sign_in(operator)
    page.goto(f"{live_server.url}/operations/tenants/{tenant.pk}/payments/")
    page.get_by_label("Status").select_option("Balanced")
    # The filtered rows have replaced the first ones (the list's first row may be Balanced too,
    # and a click on a row being swapped out goes nowhere).
    expect(page).to_have_url(re.compile(r"status=Balanced"))
    table = page.get_by_role("table", name="Supplier payments")
    expect(table.locator("tbody tr").first).to_contain_text("Balanced")
    table.locator("tbody tr").first.get_by_role("link").first.click()
    page.get_by_text("Release…").click()
    page.get_by_role("button", name="Confirm: release Payment").click()
    _expect_job(page, "finished, verified: Closed")


def test_an_action_on_a_changed_invoice_shows_the_conflict_and_confirms_again(
    sign_in, page, live_server, operator, tenant, erp, worker
):
    sign_in(operator)
    number = _open_first_invoice(page, live_server, tenant)
    page.get_by_text("Release…").click()
    # Someone changes the invoice in the ERP after this page was read.
    erp.control(
        "POST",
        f"/_sandbox/tenants/{tenant.tenant_id}/supplier-invoices/Invoice/{number}/touch",
        {},
    )
    page.get_by_role("button", name=f"Confirm: release Invoice {number}").click()
    _expect_job(page, "failed, changed by someone else")
    page.get_by_role("link", name="Compare the versions and decide again").click()
    version = page.locator('tr[data-field="version"]')
    expect(version).to_have_class("changed")
    expect(page.locator('tr[data-field="status"]')).not_to_have_class("changed")
    expect(page.get_by_text("The document is now Balanced.")).to_be_visible()
    page.get_by_role("button", name="Confirm again: release on the latest version").click()
    _expect_job(page, "finished, verified: Open")


@pytest.mark.parametrize(
    ("action", "status", "verified"),
    [
        ("Void", "Balanced", "finished, verified: Voided"),
        ("Send to approval", "Balanced", "finished, verified: Balanced"),
        ("Reverse", "Open", "finished, verified: Open"),
        ("Correct", "Open", "finished, verified: Closed"),
    ],
)
def test_the_other_actions(
    sign_in, page, live_server, operator, tenant, worker, action, status, verified
):
    sign_in(operator)
    number = _open_first_invoice(page, live_server, tenant, status=status)
    page.get_by_text(f"{action}…").click()
    page.get_by_role("button", name=f"Confirm: {action.lower()} Invoice {number}").click()
    _expect_job(page, verified)
    if action == "Send to approval":
        expect(page.locator("dl.details")).to_contain_text("approval: Sent to approval")
    if action in ("Reverse", "Correct"):
        expect(page.get_by_test_id("created-reference")).to_contain_text("1002")


def test_check_now_on_a_job_no_worker_has_taken(
    sign_in, page, live_server, operator, tenant, settings
):
    settings.OPERATIONS_JOBS_QUEUE = f"nobody-listens-{uuid.uuid4().hex[:8]}"
    sign_in(operator)
    page.goto(f"{live_server.url}/operations/invoices/")
    page.get_by_role("searchbox").fill(tenant.name)
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("row", name=tenant.display_name).get_by_role("link", name="Open").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Supplier invoices of {tenant.display_name}"
    )
    number = _open_first_invoice(page, live_server, tenant)
    page.get_by_text("Release…").click()
    page.get_by_role("button", name=f"Confirm: release Invoice {number}").click()
    _expect_job(page, "queued")
    page.get_by_role("button", name="Check now").click()
    expect(page.get_by_text("The job's next step runs now")).to_be_visible()
    page.get_by_role("link", name=f"Jobs of {tenant.display_name}").click()
    expect(page.get_by_role("table", name="Background jobs")).to_contain_text("queued")
    page.get_by_role("link", name="Every tenant's jobs").click()
    expect(page.get_by_role("table", name="Background jobs")).to_contain_text(tenant.display_name)
