"""The sandbox's dispatcher, over real HTTP, against the portal's live endpoint: what it signs
the portal verifies, a replay is a duplicate, a wrong key is refused and stored."""

from __future__ import annotations

import pytest

from tests.erpclient.conftest import DEMO_TEST_CLIENT, demo_tenant
from webhooks.models import DeliveryStatus, InboundDelivery, SigningKey, Subscription

KEY = "sandbox-subscription-key-0001"


@pytest.fixture
def subscribed(sandbox, live_server, transactional_db):
    """A sandbox subscription posting to the live portal, and the portal knowing its key."""
    subscription = Subscription.objects.create(name="sandbox", dispatcher_id="contract-sub")
    SigningKey.objects.create(subscription=subscription, label="k1", secret=KEY)
    tenant = demo_tenant("healthy")
    sandbox.control(
        "POST",
        "/_sandbox/subscriptions",
        {
            "id": "contract-sub",
            "client_id": DEMO_TEST_CLIENT,
            "url": f"{live_server.url}/webhooks/in/visma/",
            "key": KEY,
            "tenant_id": tenant["tenant_id"],
        },
    )
    return tenant


def raise_event(sandbox, tenant, event="apinvoice_statuschanged", entity_id=None, **extra):
    answer = sandbox.control(
        "POST",
        "/_sandbox/events",
        {"tenant_id": tenant["tenant_id"], "event": event, "entity_id": entity_id, **extra},
    )
    sandbox.control("POST", "/_sandbox/webhooks/flush")
    return answer


def test_a_sandbox_event_arrives_verified_with_its_headers(sandbox, subscribed):
    answer = raise_event(sandbox, subscribed, "customer_changed", "10000")
    (notification_id,) = answer["notification_ids"]
    delivery = InboundDelivery.objects.get()
    assert delivery.verified is True, delivery.verification_note
    assert delivery.status != DeliveryStatus.REJECTED
    assert delivery.dedupe_key == notification_id
    assert delivery.erp_tenant_id == subscribed["tenant_id"]
    assert delivery.event_type == "customer_changed"
    (attempt,) = [
        row
        for row in sandbox.control("GET", "/_sandbox/webhooks")
        if row.get("notification_id") == notification_id
    ]
    assert attempt["status"] == 202


def test_a_sandbox_replay_is_stored_as_a_duplicate(sandbox, subscribed):
    raise_event(sandbox, subscribed, "customer_changed", "10000")
    (attempt,) = [r for r in sandbox.control("GET", "/_sandbox/webhooks") if r["mode"] == "event"]
    replay = sandbox.control("POST", f"/_sandbox/webhooks/{attempt['delivery_id']}/replay")
    assert replay["status"] == 200
    first, copy = InboundDelivery.objects.order_by("pk")
    assert copy.duplicate_of_id == first.pk and copy.status == DeliveryStatus.DUPLICATE


def test_a_subscription_signing_with_another_key_is_refused(sandbox, subscribed):
    for key in SigningKey.objects.all():
        key.secret = "a-different-key-0000000000"
        key.save()
    raise_event(sandbox, subscribed, "customer_changed", "10000")
    delivery = InboundDelivery.objects.get()
    assert delivery.status == DeliveryStatus.REJECTED and delivery.response_status == 401


def test_a_background_response_reaches_the_inbox_with_its_correlation_headers(
    sandbox, live_server, transactional_db, erp, advance_sandbox_clock
):
    """What the supplier part builds on: BACKGROUND_API_RESPONSE through the dispatcher
    endpoint, verified, with the ``subscription:name=value`` pairs as headers. A name with an
    underscore would be dropped by WSGI servers (Django's runserver, gunicorn), so the pair
    uses hyphens."""
    from erpclient import Background
    from tests.erpclient.conftest import demo_client

    subscription = Subscription.objects.create(name="client webhook")
    SigningKey.objects.create(subscription=subscription, label="k", secret=KEY)
    client_spec = demo_client(DEMO_TEST_CLIENT)
    sandbox.control(
        "POST",
        "/_sandbox/clients",
        {
            "client_id": client_spec["client_id"],
            "client_secret": client_spec["client_secret"],
            "type": "test",
            "webhook_url": f"{live_server.url}/webhooks/in/visma/",
            "webhook_secret": KEY,
        },
    )
    with erp("healthy") as client:
        invoice = client.supplier_invoices.page(status="Balanced", page_size=1).items[0]
        client.supplier_invoices.release(
            invoice.number,
            document_type=invoice.document_type,
            if_match=invoice,
            background=Background.subscription({"x-portal-job": "job-42"}),
        )
    advance_sandbox_clock(5)
    sandbox.control("POST", "/_sandbox/webhooks/flush")
    delivery = InboundDelivery.objects.get(event_type="BACKGROUND_API_RESPONSE")
    assert delivery.verified is True and delivery.status != DeliveryStatus.REJECTED
    assert delivery.headers.get("x-portal-job") == "job-42"
    assert delivery.erp_tenant_id == demo_tenant("healthy")["tenant_id"]
