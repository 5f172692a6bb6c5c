"""ERP events refresh the portal: a burst on one document costs one GET in the background lane,
a stranger's event costs none, a failed refresh is told to the ERP in words."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from erpclient import Priority
from operations import events, lookups
from operations import refresh as refresh_registry
from operations.refresh import Kind
from operations.webhook_models import DocumentRefresh
from tenants.erp import erp_for
from tests.erpclient.conftest import sandbox_requests
from webhooks import services
from webhooks.models import DeliveryStatus, InboundDelivery

from .conftest import dispatcher_headers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _isolated(portal_isolation, erp_settings):
    yield


@pytest.fixture
def tenant(make_tenant):
    return make_tenant("healthy")


@pytest.fixture
def invoice_number(tenant):
    with erp_for(tenant, priority=Priority.BACKGROUND) as client:
        return client.supplier_invoices.page(page_size=1).items[0].number


@pytest.fixture
def refreshed(monkeypatch):
    """The refreshers of a kind for this test: refreshed(kind, function)."""

    def add(kind, function):
        monkeypatch.setitem(refresh_registry._REFRESHERS, Kind(kind), [function])
        return function

    return add


def get_invoice(tenant, document_id):
    """What a supplier-invoice refresher does: one GET in the background lane."""
    document_type, number = document_id.split("/", 1)
    with erp_for(tenant, priority=Priority.BACKGROUND) as client:
        client.supplier_invoices.get(number, document_type)


def post_event(client, tenant, event, entity_id, **fields):
    payload = {
        "notificationId": str(uuid.uuid4()),
        "eventId": event,
        "tenantId": tenant.tenant_id if hasattr(tenant, "tenant_id") else tenant,
        "action": "StatusChanged",
        "entityId": entity_id,
        **fields,
    }
    body = json.dumps(payload).encode()
    response = client.post(
        reverse("webhooks:inbound_visma"),
        data=body,
        content_type="application/json",
        **dispatcher_headers(body, payload),
    )
    assert response.status_code == 202, response.content
    return InboundDelivery.objects.get(pk=response.json()["delivery"])


def test_a_flood_of_1000_events_on_one_document_costs_one_get(
    subscription,
    client,
    tenant,
    invoice_number,
    refreshed,
    sandbox,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    refreshed(Kind.SUPPLIER_INVOICE, get_invoice)
    queued = []
    monkeypatch.setattr(
        events.refresh_document, "apply_async", lambda args, **kw: queued.append(args)
    )
    document = f"Invoice/{invoice_number}"
    with django_capture_on_commit_callbacks(execute=True):
        deliveries = [
            post_event(client, tenant, "apinvoice_statuschanged", document) for _ in range(1000)
        ]
        for delivery in deliveries:  # what the workers do with the queued deliveries
            services.delivery_process(pk=delivery.pk)
    assert len(queued) == 1
    row = DocumentRefresh.objects.get()
    assert row.events == 1000 and row.pending
    since = sandbox_requests(sandbox)[-1]["seq"]

    assert events.refresh_document.run(row.pk) == "refreshed"
    gets = [
        call
        for call in sandbox_requests(sandbox, since=since)
        if call["path"].startswith("/v1/supplierInvoice") and call["seq"] > since
    ]
    assert len(gets) == 1
    row.refresh_from_db()
    assert row.refreshes == 1 and not row.pending
    assert InboundDelivery.objects.filter(status=DeliveryStatus.PROCESSED).count() == 1000


def test_an_event_during_a_refresh_queues_one_more(tenant, monkeypatch):
    monkeypatch.setattr(events.refresh_document, "apply_async", lambda *a, **kw: None)

    def request():
        return events.request_refresh(
            tenant=tenant, kind=Kind.SALES_ORDER, document_id="SO/000021", notification_id="n"
        )

    assert request() is True and request() is False
    row = DocumentRefresh.objects.get()
    assert events._claim(row.pk) is not None  # the refresh has started
    assert request() is True  # a change during it gets a refresh of its own


def test_an_event_for_a_tenant_the_portal_does_not_serve_costs_no_erp_call(
    subscription, client, tenant, sandbox, django_capture_on_commit_callbacks
):
    before = len(sandbox_requests(sandbox))
    with django_capture_on_commit_callbacks(execute=True):
        delivery = post_event(
            client, "00000000-0000-4000-8000-000000000000", "apinvoice_statuschanged", "Invoice/1"
        )
        services.delivery_process(pk=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.IGNORED
    assert "No tenant of the portal" in delivery.outcome
    assert len(sandbox_requests(sandbox)) == before
    assert not DocumentRefresh.objects.exists()


def test_an_event_the_portal_does_not_use_is_ignored_with_its_name(
    subscription, client, tenant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = post_event(client, tenant, "account_changed", "1000")
        services.delivery_process(pk=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.IGNORED
    assert "account_changed" in delivery.outcome


def test_a_failed_refresh_is_told_to_the_erp_in_words(
    subscription, client, tenant, refreshed, sandbox, monkeypatch
):
    def broken(tenant, document_id):
        raise RuntimeError("the invoice could not be read")

    refreshed(Kind.SUPPLIER_INVOICE, broken)
    monkeypatch.setattr(events.refresh_document, "apply_async", lambda *a, **kw: None)
    first = post_event(client, tenant, "apinvoice_statuschanged", "Invoice/100012")
    second = post_event(client, tenant, "apinvoice_statuschanged", "Invoice/100012")
    for delivery in (first, second):
        services.delivery_process(pk=delivery.pk)
    row = DocumentRefresh.objects.get()
    assert "RuntimeError" in events.refresh_document.run(row.pk)
    (feedback,) = sandbox.control("GET", "/_sandbox/feedback")
    assert feedback["notificationId"] == second.dedupe_key  # the newest one
    assert feedback["isSuccess"] is False
    assert "could not read supplier invoice Invoice/100012" in feedback["description"]
    assert "1 earlier notification" in feedback["description"]
    row.refresh_from_db()
    assert row.last_error.startswith("RuntimeError")


def test_a_customer_change_drops_the_cached_customer_lookups(
    subscription, client, tenant, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(events.refresh_document, "apply_async", lambda *a, **kw: None)
    calls = []

    def fetch():
        calls.append(1)
        return [{"id": "1"}], True

    lookups.cached(tenant, lookups.CUSTOMERS, "all", fetch)
    lookups.cached(tenant, lookups.CUSTOMERS, "all", fetch)
    assert len(calls) == 1
    with django_capture_on_commit_callbacks(execute=True):
        delivery = post_event(client, tenant, "customer_changed", "10000")
        services.delivery_process(pk=delivery.pk)
    lookups.cached(tenant, lookups.CUSTOMERS, "all", fetch)
    assert len(calls) == 2
