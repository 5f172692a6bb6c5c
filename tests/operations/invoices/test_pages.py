"""The supplier-invoice pages against the sandbox: the list with ERP filters and paging, the
detail with the version it holds, actions queued as jobs (If-Match, correlation), bad input that
sends nothing, the header edit and its conflict view."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from operations.jobs.models import BackgroundJob, JobFile
from tests.html_checks import repeated_ids
from tests.operations.jobs.helpers import find_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenant(erp_settings, make_tenant):
    return make_tenant("healthy")


def _detail(client, tenant, invoice):
    url = reverse("operations:invoice", args=[tenant.pk, invoice.document_type, invoice.number])
    return client.get(url)


def _hidden(html: str, action: str) -> dict[str, str]:
    """The hidden fields of one action's form on the detail page."""
    block = html.split(f'data-action="{action}"', 1)[1].split("</details>", 1)[0]
    return _values(r'type="hidden" name="(\w+)" value="([^"]*)"', block)


def _values(pattern: str, text: str) -> dict[str, str]:
    return {name: htmllib.unescape(value) for name, value in re.findall(pattern, text)}


def test_list_filters_by_status_and_condition_and_pages(client_for, viewer, tenant, sandbox):
    client = client_for(viewer)
    url = reverse("operations:tenant_invoices", args=[tenant.pk])
    response = client.get(url, {"status": "Open", "due_condition": ">=", "due_date": "2026-01-01"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "cost 1 ERP call" in body and "calls remain this hour" in body
    assert "Balanced" not in body.split("Supplier invoices", 2)[-1].split("<tbody>")[1]
    sent = [
        r
        for r in sandbox.control("GET", "/_sandbox/requests")
        if r["path"] == "/v1/supplierInvoice"
    ]
    assert (
        "dueDateCondition=%3E%3D" in sent[-1]["query"] or "dueDateCondition=>=" in sent[-1]["query"]
    )
    page2 = client.get(url, {"status": "Open", "page": "2"})
    assert "Page 2" in page2.content.decode()
    assert "status=Open" in page2.content.decode(), "the filters survive paging"


def test_bad_filters_ask_nothing_of_the_erp(client_for, viewer, tenant, sandbox):
    before = len(sandbox.control("GET", "/_sandbox/requests"))
    response = client_for(viewer).get(
        reverse("operations:tenant_invoices", args=[tenant.pk]), {"due_date": "31/31/2026"}
    )
    assert response.status_code == 200
    assert "Nothing was asked of the ERP" in response.content.decode()
    assert len(sandbox.control("GET", "/_sandbox/requests")) == before


def test_detail_shows_the_version_and_offers_only_allowed_actions(
    client_for, operator, viewer, tenant
):
    invoice = find_invoice(tenant, "Balanced")
    body = _detail(client_for(operator), tenant, invoice).content.decode()
    assert invoice.etag.replace('"', "&quot;") in body
    for offered in ("release", "prebook", "void", "send_to_approval", "attach"):
        assert f'data-action="{offered}"' in body
    assert 'data-action="reverse"' not in body
    assert repeated_ids(body) == [], "five action forms, each with the same hidden fields"
    viewer_body = _detail(client_for(viewer), tenant, invoice).content.decode()
    assert 'data-action="release"' not in viewer_body


def test_release_queues_one_job_with_if_match_and_a_repeat_gets_it_back(
    client_for, operator, tenant
):
    client = client_for(operator)
    invoice = find_invoice(tenant, "Balanced")
    fields = _hidden(_detail(client, tenant, invoice).content.decode(), "release")
    url = reverse(
        "operations:invoice_action", args=[tenant.pk, "Invoice", invoice.number, "release"]
    )
    first = client.post(url, fields)
    job = BackgroundJob.objects.get()
    assert first.status_code == 302 and first["Location"] == reverse(
        "operations:job", args=[job.pk]
    )
    assert job.if_match == invoice.etag and job.operation == "release"
    again = client.post(url, fields)
    assert again["Location"] == first["Location"]
    assert BackgroundJob.objects.count() == 1
    assert client_for(operator).post(url, fields).status_code == 302


def test_amounts_are_shown_with_thousands_separators(client_for, viewer, tenant):
    from operations.erp import StaffClient

    with StaffClient(tenant) as erp:
        page = erp.client.supplier_invoices.page(page_size=100)
    large = next(invoice for invoice in page.items if invoice.amount >= 1000)
    shown = f"{large.amount:,.2f} {large.currency_id}"  # e.g. 83,833.97 NOK

    listed = client_for(viewer).get(reverse("operations:tenant_invoices", args=[tenant.pk]))
    assert shown in listed.content.decode()
    html = _detail(client_for(viewer), tenant, large).content.decode()
    assert shown in html
    costs = re.findall(r'<td data-label="Cost" class="num">([^<]*)</td>', html)
    assert costs and all(cost.endswith(f" {large.currency_id}") for cost in costs), costs


def test_states_are_shown_in_words_not_the_erps_codes(client_for, viewer, tenant):
    opened = find_invoice(tenant, "Open", approval="ApprovedInApproval")
    html = _detail(client_for(viewer), tenant, opened).content.decode()
    assert '<dd id="invoice-approval">Approved</dd>' in html and "ApprovedInApproval" not in html
    held = find_invoice(tenant, "Hold")
    html = _detail(client_for(viewer), tenant, held).content.decode()
    assert "<strong>Hold</strong>" in html and "(on hold)" not in html
    listed = client_for(viewer).get(
        reverse("operations:tenant_invoices", args=[tenant.pk]), {"status": "Open"}
    )
    assert '<td data-label="Approval">Approved</td>' in listed.content.decode()


def test_a_hold_is_named_once_and_an_unknown_approval_code_is_shown_as_sent():
    from operations.invoices.rules import approval_words
    from operations.templatetags.documents import with_hold

    assert with_hold("Balanced", True) == "Balanced (on hold)"
    assert with_hold("Hold", True) == "Hold" and with_hold("Open", False) == "Open"
    assert approval_words("SentToApproval") == "Sent to approval"
    assert approval_words("SomethingNew") == "SomethingNew" and approval_words(None) == "None"


def test_viewer_cannot_act(client_for, viewer, tenant):
    url = reverse("operations:invoice_action", args=[tenant.pk, "Invoice", "100012", "release"])
    assert client_for(viewer).post(url, {}).status_code == 403


def test_bad_input_gets_a_clear_message_and_sends_nothing(client_for, operator, tenant, sandbox):
    client = client_for(operator)
    invoice = find_invoice(tenant, "Balanced")
    body = _detail(client, tenant, invoice).content.decode()
    base = reverse(
        "operations:invoice_action", args=[tenant.pk, "Invoice", invoice.number, "attach"]
    )

    big = SimpleUploadedFile("scan.pdf", b"0" * (50 * 1024 * 1024), content_type="application/pdf")
    response = client.post(base, {**_hidden(body, "attach"), "file": big})
    assert response.status_code == 400
    assert "50.0 MB; the ERP takes at most 25 MB" in response.content.decode()

    exe = SimpleUploadedFile("setup.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(base, {**_hidden(body, "attach"), "file": exe})
    assert response.status_code == 400 and "does not take .exe files" in response.content.decode()

    prebook = reverse(
        "operations:invoice_action", args=[tenant.pk, "Invoice", invoice.number, "prebook"]
    )
    response = client.post(
        prebook, {**_hidden(body, "prebook"), "account": "9999", "subaccount": "100-10"}
    )
    assert response.status_code == 400
    assert "Account 9999 does not exist" in response.content.decode()

    stale = {**_hidden(body, "release"), "token": "not-a-token"}
    release = reverse(
        "operations:invoice_action", args=[tenant.pk, "Invoice", invoice.number, "release"]
    )
    response = client.post(release, stale)
    assert (
        response.status_code == 400
        and "Reload the page; nothing was sent" in response.content.decode()
    )

    assert not BackgroundJob.objects.exists() and not JobFile.objects.exists()
    requests = sandbox.control("GET", "/_sandbox/requests")
    assert [r["path"] for r in requests if r["method"] == "POST" and r["api"] != "connect"] == []


def _attach_form(client, tenant) -> tuple[str, str]:
    """A balanced invoice's page and the URL its "Attach a file" form posts to."""
    invoice = find_invoice(tenant, "Balanced")
    body = _detail(client, tenant, invoice).content.decode()
    url = reverse(
        "operations:invoice_action", args=[tenant.pk, "Invoice", invoice.number, "attach"]
    )
    return body, url


def test_a_refused_file_type_comes_back_as_the_same_form_with_its_error(
    client_for, operator, tenant, sandbox
):
    client = client_for(operator)
    body, url = _attach_form(client, tenant)
    exe = SimpleUploadedFile("setup.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(url, {**_hidden(body, "attach"), "file": exe, "line_number": "1"})
    assert response.status_code == 400
    assert response.templates[0].name == "operations/invoices/detail.html"
    html = response.content.decode()
    attach = html.split('data-action="attach"', 1)[1].split("</details>", 1)[0]
    assert attach.startswith(" open>"), "the form the person sent is open"
    assert 'id="id_file_errors"' in attach and "does not take .exe files" in attach
    assert 'aria-invalid="true"' in attach
    assert 'value="1" selected' in attach, "the line chosen is kept"
    assert _hidden(html, "attach")["token"] == _hidden(body, "attach")["token"]
    assert "Nothing was sent to the ERP and nothing changed." in attach
    # Sending a good file from the form that came back works, once.
    pdf = SimpleUploadedFile("delivery.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    sent = client.post(url, {**_hidden(html, "attach"), "file": pdf})
    assert sent.status_code == 302
    assert BackgroundJob.objects.count() == 1
    number = BackgroundJob.objects.get().document_number
    assert f"Confirm: attach a file to Invoice {number}</button>" in html
    job_page = client.get(sent["Location"]).content.decode()
    assert f"Attach a file to Invoice {number}</h1>" in job_page


def test_a_file_for_a_line_is_kept_for_its_job(client_for, operator, tenant):
    client = client_for(operator)
    body, url = _attach_form(client, tenant)
    upload = SimpleUploadedFile("delivery.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    client.post(url, {**_hidden(body, "attach"), "file": upload, "line_number": "1"})
    job = BackgroundJob.objects.get()
    assert job.payload == {"line_number": 1}
    assert job.file.name == "delivery.pdf" and bytes(job.file.content) == b"%PDF-1.4 x"


def _edit_fields(client, tenant, invoice) -> dict[str, str]:
    url = reverse("operations:invoice_edit", args=[tenant.pk, "Invoice", invoice.number])
    html = client.get(url).content.decode()
    fields = _values(r'type="hidden" name="(\w+)" value="([^"]*)"', html)
    return {
        **fields,
        "description": invoice.description or "",
        "supplier_reference": invoice.supplier_reference or "",
        "due_date": invoice.due_date.date().isoformat(),
    }


def test_edit_puts_with_if_match_and_shows_the_new_version(client_for, operator, tenant):
    client = client_for(operator)
    invoice = find_invoice(tenant, "Balanced")
    fields = _edit_fields(client, tenant, invoice)
    url = reverse("operations:invoice_edit", args=[tenant.pk, "Invoice", invoice.number])
    response = client.post(url, {**fields, "description": "Checked by the portal"})
    assert response.status_code == 302
    from operations.erp import StaffClient

    with StaffClient(tenant) as erp:
        now = erp.client.supplier_invoices.get(invoice.number, "Invoice")
    assert now.description == "Checked by the portal" and now.etag != invoice.etag


def test_a_stale_edit_shows_the_conflict_field_by_field(client_for, operator, tenant, sandbox):
    client = client_for(operator)
    invoice = find_invoice(tenant, "Balanced")
    fields = _edit_fields(client, tenant, invoice)
    sandbox.control(
        "POST",
        f"/_sandbox/tenants/{tenant.tenant_id}/supplier-invoices/Invoice/{invoice.number}/touch",
        {"supplierReference": "THEIRS-1"},
    )
    url = reverse("operations:invoice_edit", args=[tenant.pk, "Invoice", invoice.number])
    response = client.post(url, {**fields, "description": "Mine"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "nothing was overwritten" in html
    row = html.split('data-field="supplier_reference"', 1)[1].split("</tr>", 1)[0]
    assert "THEIRS-1" in row and "changed in the ERP" in row
    mine = html.split('data-field="description"', 1)[1].split("</tr>", 1)[0]
    assert "Mine" in mine and "your change" in mine
    # Re-apply on the latest version: the form the conflict view carries.
    reapply = html.split("Re-apply my changes", 1)[0].rsplit("<form", 1)[1]
    data = _values(r'name="(\w+)" value="([^"]*)"', reapply)
    assert data["description"] == "Mine"
    assert client.post(url, data).status_code == 302
    from operations.erp import StaffClient

    with StaffClient(tenant) as erp:
        now = erp.client.supplier_invoices.get(invoice.number, "Invoice")
    assert (now.description, now.supplier_reference) == ("Mine", "THEIRS-1")


def test_an_invoice_the_erp_does_not_have_is_a_404_in_words(client_for, viewer, tenant):
    url = reverse("operations:invoice", args=[tenant.pk, "Invoice", "999999"])
    response = client_for(viewer).get(url)
    assert response.status_code == 404
    assert "What the ERP answered" in response.content.decode()
    bad = reverse("operations:invoice", args=[tenant.pk, "Nonsense", "100012"])
    assert client_for(viewer).get(bad).status_code == 404


def _invoice_reads(sandbox, invoice) -> int:
    path = f"/v1/supplierInvoice/{invoice.document_type}/{invoice.number}"
    requests = sandbox.control("GET", "/_sandbox/requests")
    return sum(r["path"] == path and r["method"] == "GET" for r in requests)


def test_reloading_an_invoice_page_reads_the_erp_once_and_never_locks_it_out(
    client_for, viewer, tenant, sandbox
):
    # Ten reloads within seconds: more than the client's repeat guard lets through in a minute.
    client = client_for(viewer)
    invoice = find_invoice(tenant, "Balanced")
    before = _invoice_reads(sandbox, invoice)
    pages = [_detail(client, tenant, invoice) for _ in range(10)]
    assert [page.status_code for page in pages] == [200] * 10
    assert _invoice_reads(sandbox, invoice) == before + 1
    assert "This page cost 1 ERP call" in pages[0].content.decode()
    later = pages[-1].content.decode()
    assert "No ERP call: the portal read this" in later and "up to 15 seconds" in later


def test_editing_an_invoice_several_times_a_minute_never_shows_not_sent(
    client_for, operator, tenant, sandbox
):
    # Open the form, save, land on the invoice, within seconds, until the ERP's limit of five
    # identical reads a minute is reached. The form takes the read of the page before it, so
    # each round reads the invoice once (the page after the save). The read that would be
    # throttled is kept back, and the page shows the last read, saying so, instead of an error.
    client = client_for(operator)
    invoice = find_invoice(tenant, "Balanced")  # the first read of the minute
    url = reverse("operations:invoice_edit", args=[tenant.pk, "Invoice", invoice.number])
    before = _invoice_reads(sandbox, invoice)
    _detail(client, tenant, invoice)
    pages = []
    while not pages or "Not read again" not in pages[-1]:
        assert len(pages) < 6, "the repeat guard never kept a read back"
        fields = _edit_fields(client, tenant, invoice)
        saved = client.post(url, {**fields, "description": f"Round {len(pages)}"}, follow=True)
        assert saved.status_code == 200
        pages.append(saved.content.decode())
    assert all("Not sent" not in page for page in pages)
    *fresh, held = pages
    assert len(fresh) == 3  # reads: the list, the first page, the pages after three saves
    assert all(f"Round {n}" in page for n, page in enumerate(fresh))
    assert _invoice_reads(sandbox, invoice) == before + 1 + len(fresh)
    assert "Not read again: this is the portal's read from" in held
    assert "Here, the same request was sent 5 times in the last minute." in held
    assert "It can be sent again in" in held
    assert "Saved." in held and f"Round {len(fresh) - 1}" in held  # the last read, shown older
    # The form opens from that read; the ERP's version decides whether a save goes through.
    assert client.get(url).status_code == 200


def test_asking_again_for_an_invoice_the_erp_does_not_have_stays_a_404(
    client_for, viewer, operator, tenant, sandbox
):
    # The ERP's 404 counts as a failure for the repeat guard: a third read within five minutes
    # would be refused ("Not sent", 502). The portal keeps the answer instead of asking again.
    client = client_for(viewer)
    missing = type("Missing", (), {"document_type": "Invoice", "number": "999998"})
    before = _invoice_reads(sandbox, missing)
    pages = [_detail(client, tenant, missing) for _ in range(4)]
    assert [page.status_code for page in pages] == [404] * 4
    assert _invoice_reads(sandbox, missing) == before + 1
    assert "Not sent" not in pages[-1].content.decode()
    edit = reverse("operations:invoice_edit", args=[tenant.pk, "Invoice", "999998"])
    assert client_for(operator).get(edit).status_code == 404


def test_refused_uploads_show_the_page_again_without_reading_the_erp(
    client_for, operator, tenant, sandbox
):
    client = client_for(operator)
    body, url = _attach_form(client, tenant)
    before = len(sandbox.control("GET", "/_sandbox/requests"))
    for _ in range(6):
        exe = SimpleUploadedFile("setup.exe", b"MZ", content_type="application/octet-stream")
        refused = client.post(url, {**_hidden(body, "attach"), "file": exe})
        assert refused.status_code == 400
        assert "does not take .exe files" in refused.content.decode()
    assert len(sandbox.control("GET", "/_sandbox/requests")) == before


def test_an_action_or_an_edit_makes_the_next_page_read_the_erp_again(
    client_for, operator, tenant, sandbox
):
    client = client_for(operator)
    invoice = find_invoice(tenant, "Balanced")
    fields = _hidden(_detail(client, tenant, invoice).content.decode(), "release")
    reads = _invoice_reads(sandbox, invoice)
    client.post(
        reverse(
            "operations:invoice_action", args=[tenant.pk, "Invoice", invoice.number, "release"]
        ),
        fields,
    )
    _detail(client, tenant, invoice)
    assert _invoice_reads(sandbox, invoice) == reads + 1, "the queued job dropped the copy"

    from operations.financials import read_cache

    _detail(client, tenant, invoice)
    assert _invoice_reads(sandbox, invoice) == reads + 1, "kept again"
    read_cache.forget_invoice_on_event(tenant, f"Invoice/{invoice.number}")
    _detail(client, tenant, invoice)
    assert _invoice_reads(sandbox, invoice) == reads + 2, "an ERP event dropped it"


def _list_reads(sandbox) -> int:
    return sum(
        r["path"] == "/v1/supplierInvoice" for r in sandbox.control("GET", "/_sandbox/requests")
    )


def _viewed_twice(client, url, sandbox) -> int:
    """View the list twice; the second view is the portal's copy. The ERP's list reads so far."""
    client.get(url)
    reads = _list_reads(sandbox)
    client.get(url)
    assert _list_reads(sandbox) == reads, "kept"
    return reads


def test_paging_back_and_forth_reads_each_page_once_and_never_locks_the_list_out(
    client_for, viewer, tenant, sandbox
):
    # Six views of each of two pages within seconds: more than the repeat guard lets through.
    client = client_for(viewer)
    url = reverse("operations:tenant_invoices", args=[tenant.pk])
    before = _list_reads(sandbox)
    pages = [client.get(f"{url}?page={1 + n % 2}") for n in range(12)]
    assert [page.status_code for page in pages] == [200] * 12
    assert _list_reads(sandbox) == before + 2
    assert "This page cost 1 ERP call" in pages[0].content.decode()
    later = pages[-1].content.decode()
    assert "No ERP call: the portal read this" in later and "Not sent" not in later
    # Another filter is another request to the ERP.
    client.get(f"{url}?status=Open")
    assert _list_reads(sandbox) == before + 3


def test_a_change_to_any_invoice_makes_the_next_list_view_read_the_erp_again(
    client_for, viewer, tenant, sandbox
):
    from operations.financials import read_cache

    invoice = find_invoice(tenant, "Balanced")
    client = client_for(viewer)
    url = reverse("operations:tenant_invoices", args=[tenant.pk])
    reads = _viewed_twice(client, url, sandbox)
    read_cache.forget_invoice_on_event(tenant, f"Invoice/{invoice.number}")
    page = client.get(url).content.decode()
    assert _list_reads(sandbox) == reads + 1, "an ERP event on one invoice dropped the list"
    assert "This page cost 1 ERP call" in page
    # The payments' lists are another kind: their copies stay.
    payments = reverse("operations:tenant_payments", args=[tenant.pk])
    client.get(payments)
    payment_reads = len(sandbox.control("GET", "/_sandbox/requests"))
    read_cache.forget_invoice_on_event(tenant, f"Invoice/{invoice.number}")
    client.get(payments)
    assert len(sandbox.control("GET", "/_sandbox/requests")) == payment_reads


def _payment_job(tenant) -> None:
    """A release of a payment queued: a payment changes the invoices it pays."""
    BackgroundJob.objects.create(
        tenant=tenant,
        operation="release",
        document_kind="supplier_payment",
        document_type="Payment",
        document_number="000123",
    )


def test_a_payment_job_makes_the_next_invoice_list_view_read_the_erp_again(
    client_for, viewer, tenant, sandbox
):

    client = client_for(viewer)
    url = reverse("operations:tenant_invoices", args=[tenant.pk])
    reads = _viewed_twice(client, url, sandbox)
    _payment_job(tenant)
    client.get(url)
    assert _list_reads(sandbox) == reads + 1, "a payment changes the invoices it pays"


def test_a_payment_job_or_event_makes_the_next_invoice_page_read_the_erp_again(
    client_for, viewer, tenant, sandbox
):
    from operations.financials import read_cache

    client = client_for(viewer)
    invoice = find_invoice(tenant, "Balanced")
    _detail(client, tenant, invoice)
    reads = _invoice_reads(sandbox, invoice)
    _detail(client, tenant, invoice)
    assert _invoice_reads(sandbox, invoice) == reads, "kept"

    _payment_job(tenant)
    page = _detail(client, tenant, invoice).content.decode()
    assert _invoice_reads(sandbox, invoice) == reads + 1, "the payment may have paid it"
    assert "This page cost 1 ERP call" in page

    _detail(client, tenant, invoice)
    assert _invoice_reads(sandbox, invoice) == reads + 1, "kept again"
    read_cache.forget_payment_on_event(tenant, "Payment/000123")
    _detail(client, tenant, invoice)
    assert _invoice_reads(sandbox, invoice) == reads + 2, "a payment's ERP event dropped it"

    # Another invoice's job drops only that invoice's page (and the lists).
    other = find_invoice(tenant, "Open")
    BackgroundJob.objects.create(
        tenant=tenant,
        operation="release",
        document_kind="supplier_invoice",
        document_type=other.document_type,
        document_number=other.number,
    )
    _detail(client, tenant, invoice)
    assert _invoice_reads(sandbox, invoice) == reads + 2, "still kept"


def test_an_invoice_page_reads_the_erp_while_the_cache_is_down(
    client_for, viewer, tenant, sandbox, monkeypatch
):
    from operations.financials import read_cache

    class Down:
        def __getattr__(self, name):
            def refuse(*args, **kwargs):
                raise ConnectionError("the cache is down")

            return refuse

    # Only the copies' cache: the session and the grants still have theirs.
    monkeypatch.setattr(read_cache, "cache", Down())
    monkeypatch.setattr(read_cache.list_reads, "cache", Down())
    client = client_for(viewer)
    invoice = find_invoice(tenant, "Balanced")
    reads = _invoice_reads(sandbox, invoice)
    page = _detail(client, tenant, invoice)
    assert page.status_code == 200
    assert "This page cost 1 ERP call" in page.content.decode()
    assert _invoice_reads(sandbox, invoice) == reads + 1
