"""An invoice page follows the ERP's changes without polling the ERP: the poll asks only the
portal's marker (set by the invoice refresher an ERP event runs), and only a change after the
page's read costs one ERP call, which swaps the status and version and keeps any form as it is."""

from __future__ import annotations

import html as htmllib
import re
import time

import pytest
from django.urls import reverse

from operations.refresh import Kind, refreshers_for
from tests.operations.jobs.helpers import find_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenant(erp_settings, make_tenant):
    return make_tenant("healthy")


def _erp_requests(sandbox) -> int:
    return len(sandbox.control("GET", "/_sandbox/requests"))


def _url(body: str, kind: str) -> str:
    found = re.search(rf'hx-get="([^"]+/{kind}/\?[^"]+)"', body)
    assert found, f"no {kind} URL in the page"
    return htmllib.unescape(found.group(1))


def _event_on(tenant, invoice) -> None:
    """What an ERP event on the invoice runs (operations.events.refresh_document)."""
    for refresher in refreshers_for(Kind.SUPPLIER_INVOICE):
        refresher(tenant, f"{invoice.document_type}/{invoice.number}")


def _touch(sandbox, tenant, invoice, **fields) -> None:
    sandbox.control(
        "POST",
        f"/_sandbox/tenants/{tenant.tenant_id}/supplier-invoices/"
        f"{invoice.document_type}/{invoice.number}/touch",
        fields,
    )


def _page(client, tenant, invoice, name="operations:invoice") -> str:
    url = reverse(name, args=[tenant.pk, invoice.document_type, invoice.number])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_poll_asks_no_erp_and_a_change_costs_one_read_that_swaps_status_and_version(
    client_for, viewer, tenant, sandbox
):
    client = client_for(viewer)
    invoice = find_invoice(tenant, "Balanced")
    poll = _url(_page(client, tenant, invoice), "changes")
    before = _erp_requests(sandbox)

    unchanged = client.get(poll)
    assert unchanged.status_code == 204, "nothing changed: ask again"
    assert "no-cache" in unchanged["Cache-Control"], "a browser must not answer the poll itself"
    _touch(sandbox, tenant, invoice, status="Open")
    assert client.get(poll).status_code == 204, "the ERP changed, but no event said so yet"
    _event_on(tenant, invoice)
    changed = client.get(poll)
    assert changed.status_code == 286, "the polling stops: the page reads the invoice once"
    assert _erp_requests(sandbox) == before, "polling costs no ERP call"

    latest = client.get(_url(changed.content.decode(), "latest"))
    body = latest.content.decode()
    assert latest.status_code == 200
    assert _erp_requests(sandbox) == before + 1
    assert "Changed in the ERP at" in body and "Load the new version" in body
    assert re.search(r'id="invoice-status"[^>]*hx-swap-oob="true"[^>]*><strong>Open<', body)
    assert 'id="invoice-version-held"' in body
    assert invoice.etag.replace('"', "&quot;") not in body, "the new version, not the old"
    # It follows again from this read: the same event does not count twice.
    assert client.get(_url(body, "changes")).status_code == 204


def test_an_event_from_before_the_read_or_on_the_same_version_changes_nothing(
    client_for, viewer, tenant, sandbox
):
    client = client_for(viewer)
    invoice = find_invoice(tenant, "Balanced")
    _event_on(tenant, invoice)
    body = _page(client, tenant, invoice)
    poll = _url(body, "changes")
    assert client.get(poll).status_code == 204
    # A read that finds the version the page shows says nothing and swaps nothing.
    latest = client.get(poll.replace("/changes/", "/latest/")).content.decode()
    assert "Changed in the ERP" not in latest and "hx-swap-oob" not in latest
    assert "/changes/?" in latest, "and the page keeps following"


def test_the_edit_page_keeps_what_was_typed_and_offers_the_new_version(
    client_for, operator, tenant, sandbox
):
    client = client_for(operator)
    invoice = find_invoice(tenant, "Balanced")
    body = _page(client, tenant, invoice, "operations:invoice_edit")
    poll = _url(body, "changes")
    assert "on=edit" in poll
    _touch(sandbox, tenant, invoice, status="Open")
    _event_on(tenant, invoice)
    changed = client.get(poll)
    assert changed.status_code == 286
    latest = client.get(_url(changed.content.decode(), "latest")).content.decode()
    assert "What you typed here is kept" in latest
    assert "hx-swap-oob" not in latest, "nothing on the form is replaced"
    edit_url = reverse(
        "operations:invoice_edit", args=[tenant.pk, invoice.document_type, invoice.number]
    )
    assert f'href="{edit_url}">Load the new version' in latest


@pytest.mark.parametrize(
    "query",
    [
        {"since": "soon", "shown": "x", "on": "detail"},
        {"since": "nan", "shown": "x", "on": "detail"},
        {"since": "-1", "shown": "x", "on": "detail"},
        {"since": "99999999999", "shown": "x", "on": "detail"},
        {"since": "1700000000", "shown": "x" * 101, "on": "detail"},
        {"since": "1700000000", "shown": "x", "on": "elsewhere"},
        {"shown": "x", "on": "detail"},
    ],
)
def test_bad_watch_parameters_stop_the_polling_with_words_and_ask_nothing(
    client_for, viewer, tenant, sandbox, query
):
    client = client_for(viewer)
    invoice = find_invoice(tenant, "Balanced")
    before = _erp_requests(sandbox)
    for name in ("operations:invoice_changes", "operations:invoice_latest"):
        url = reverse(name, args=[tenant.pk, invoice.document_type, invoice.number])
        response = client.get(url, query)
        assert response.status_code == 286
        assert "cannot follow this invoice; reload it" in response.content.decode()
    assert _erp_requests(sandbox) == before


def test_a_page_left_open_stops_following_after_the_watch(
    client_for, viewer, tenant, sandbox, settings
):
    client = client_for(viewer)
    invoice = find_invoice(tenant, "Balanced")
    url = reverse(
        "operations:invoice_changes", args=[tenant.pk, invoice.document_type, invoice.number]
    )
    since = time.time() - settings.OPERATIONS_INVOICE_WATCH_SECONDS - 5
    response = client.get(url, {"since": f"{since}", "shown": "x", "on": "detail"})
    assert response.status_code == 286
    assert "reload it to see the latest and follow again" in response.content.decode()


def test_the_poll_needs_a_signed_in_person_and_a_real_document(client, client_for, viewer, tenant):
    url = reverse("operations:invoice_changes", args=[tenant.pk, "Invoice", "100012"])
    query = {"since": "1700000000", "shown": "x", "on": "detail"}
    assert client.get(url, query).status_code == 302
    signed_in = client_for(viewer)
    bad_type = reverse("operations:invoice_changes", args=[tenant.pk, "Bogus", "100012"])
    assert signed_in.get(bad_type, query).status_code == 404
