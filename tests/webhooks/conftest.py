"""Fixtures of the inbox tests: a subscription with a key, signed posts, test handlers."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from webhooks import handlers
from webhooks.verification import sign

KEY = "sub-key-0123456789abcdef"
TENANT = "5d1f3b0a-8c2e-4f6a-9b71-2e4c6a8d0f11"


@pytest.fixture(autouse=True)
def _fresh_key_cache():
    """Each test reads its own keys (a flush between tests sends no signal)."""
    from webhooks.keys import forget_keys

    forget_keys()
    yield
    forget_keys()


@pytest.fixture
def subscription(db):
    from webhooks.models import SigningKey, Subscription

    subscription = Subscription.objects.create(name="ERP events", dispatcher_id="sub-1")
    SigningKey.objects.create(subscription=subscription, label="first", secret=KEY)
    return subscription


def notification(event="apinvoice_statuschanged", *, notification_id=None, **fields) -> dict:
    return {
        "notificationId": notification_id or str(uuid.uuid4()),
        "eventId": event,
        "tenantId": TENANT,
        "action": "StatusChanged",
        "entityId": "Invoice/100012",
        "resourceUri": "http://erp.example/v1/supplierInvoice/Invoice/100012",
        **fields,
    }


def dispatcher_headers(body: bytes, payload: dict, *, key: str = KEY, **extra) -> dict:
    """The X-VWD-* headers as the test client's keyword arguments."""
    headers = {
        "HTTP_X_VWD_SIGNATURE_V1": sign(body, key),
        "HTTP_X_VWD_NOTIFICATION_ID": payload.get("notificationId", ""),
        "HTTP_X_VWD_EVENT_ID": payload.get("eventId", ""),
        "HTTP_X_VWD_TENANT_ID": payload.get("tenantId", ""),
        "HTTP_X_VWD_SUBSCRIPTION_ID": "sub-1",
    }
    headers.update(extra)
    return headers


@pytest.fixture
def post_signed(client):
    """post_signed(payload, key=..., body=...) -> the response of the dispatcher endpoint."""

    def post(payload: dict, *, key: str = KEY, body: bytes | None = None, **extra):
        raw = body if body is not None else json.dumps(payload, separators=(",", ":")).encode()
        return client.post(
            reverse("webhooks:inbound_visma"),
            data=raw,
            content_type="application/json",
            **dispatcher_headers(raw, payload, key=key, **extra),
        )

    return post


@pytest.fixture
def handled(monkeypatch):
    """handled(source, event_type, function): a handler of the test's own, removed after it."""

    def add(source, event_type, function):
        monkeypatch.setitem(handlers._HANDLERS, (handlers.Source(source), event_type), function)
        return function

    return add


@pytest.fixture(scope="session", autouse=True)
def _empty_broker_after():
    """Deliveries posted here queue real Celery messages that no worker of the tests consumes;
    they are dropped at the end so the broker does not grow from run to run."""
    yield
    import contextlib

    from tests.conftest import purge_broker

    with contextlib.suppress(Exception):  # no broker reachable: nothing was queued either
        purge_broker()


@pytest.fixture
def make_tenant(demo_clients):
    """make_tenant(scenario, status="active") -> a Tenant of the sandbox's demo world."""
    from tests.tenants.helpers import onboard_demo

    def make(scenario: str, client_type: str = "production", status: str = "active"):
        tenant = onboard_demo(demo_clients, scenario, client_type)
        if status != tenant.status:
            tenant.status = status
            tenant.save(update_fields=["status"])
        return tenant

    return make
