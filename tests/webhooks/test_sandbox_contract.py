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
    SigningKey.objects.update(secret="a-different-key-0000000000")
    raise_event(sandbox, subscribed, "customer_changed", "10000")
    delivery = InboundDelivery.objects.get()
    assert delivery.status == DeliveryStatus.REJECTED and delivery.response_status == 401
