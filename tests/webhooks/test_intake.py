"""Store → verify → dedupe → answer, over the dispatcher, Background and Statuspage endpoints."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from webhooks import services
from webhooks.models import DeliveryStatus, InboundDelivery, SigningKey, Verification
from webhooks.verification import MASK

from .conftest import KEY, TENANT, notification

pytestmark = pytest.mark.django_db


def only_delivery() -> InboundDelivery:
    (delivery,) = InboundDelivery.objects.all()
    return delivery


def test_a_signed_notification_is_stored_verified_and_queued_on_commit(
    subscription, post_signed, django_capture_on_commit_callbacks
):
    payload = notification()
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_signed(payload)
    assert response.status_code == 202
    delivery = only_delivery()
    assert response.json() == {"status": "queued", "delivery": delivery.pk}
    assert delivery.status == DeliveryStatus.QUEUED
    assert delivery.verification == Verification.SIGNATURE and delivery.verified is True
    assert delivery.dedupe_key == payload["notificationId"]
    assert delivery.erp_tenant_id == TENANT
    assert delivery.event_type == "apinvoice_statuschanged"
    assert json.loads(bytes(delivery.body)) == payload
    assert len(callbacks) == 1  # the Celery task, queued only once the row committed


def test_the_signature_is_stored_masked(subscription, post_signed):
    post_signed(notification())
    headers = only_delivery().headers
    assert headers["x-vwd-signature-v1"] == MASK
    assert headers["x-vwd-subscription-id"] == "sub-1"


def test_a_forged_signature_is_refused_and_stored(
    subscription, post_signed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_signed(notification(), key="not-the-subscription-key")
    assert response.status_code == 401
    delivery = only_delivery()
    assert delivery.status == DeliveryStatus.REJECTED
    assert delivery.verified is False
    assert delivery.response_status == 401
    assert "No active signing key" in delivery.last_error
    assert callbacks == []


def test_a_body_reserialised_with_other_whitespace_fails_the_signature(subscription, client):
    payload = notification()
    signed_body = json.dumps(payload, separators=(",", ":")).encode()
    # The same JSON, spaced as json.dumps does by default: equal as data, not as bytes.
    sent_body = json.dumps(payload).encode()
    assert json.loads(sent_body) == json.loads(signed_body) and sent_body != signed_body
    from .conftest import dispatcher_headers

    response = client.post(
        reverse("webhooks:inbound_visma"),
        data=sent_body,
        content_type="application/json",
        **dispatcher_headers(signed_body, payload),
    )
    assert response.status_code == 401
    assert only_delivery().status == DeliveryStatus.REJECTED


def test_a_replay_of_the_same_notification_is_stored_as_a_duplicate_of_the_first(
    subscription, post_signed, django_capture_on_commit_callbacks
):
    payload = notification()
    with django_capture_on_commit_callbacks() as callbacks:
        first = post_signed(payload)
        again = post_signed(payload)
    assert first.status_code == 202 and again.status_code == 200
    assert again.json()["status"] == "duplicate"
    original, copy = InboundDelivery.objects.order_by("pk")
    assert copy.duplicate_of == original
    assert copy.status == DeliveryStatus.DUPLICATE
    assert len(callbacks) == 1  # only the first is processed


def test_a_forged_copy_does_not_claim_the_notification_id(subscription, post_signed):
    payload = notification()
    assert post_signed(payload, key="forged-key-0123456789").status_code == 401
    assert post_signed(payload).status_code == 202
    assert InboundDelivery.objects.filter(status=DeliveryStatus.QUEUED).count() == 1


def test_every_active_key_verifies_and_a_retired_one_does_not(subscription, post_signed):
    admin_key = "second-key-abcdef0123456789"
    services.signing_key_add(actor=None, subscription=subscription, label="new", key=admin_key)
    assert post_signed(notification(), key=KEY).status_code == 202
    assert post_signed(notification(), key=admin_key).status_code == 202
    services.signing_key_retire(actor=None, signing_key=SigningKey.objects.get(label="first"))
    assert post_signed(notification(), key=KEY).status_code == 401
    assert post_signed(notification(), key=admin_key).status_code == 202


def test_the_key_is_stored_encrypted(subscription):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM webhooks_signingkey")
        (stored,) = cursor.fetchone()
    assert KEY not in stored


def test_an_unknown_tenant_is_stored_verified_and_left_to_its_handler(subscription, post_signed):
    # The inbox knows no tenant: it records the id the delivery names; the handler maps it
    # (tests/webhooks/test_events.py: an unknown tenant is ignored there, with no ERP call).
    response = post_signed(notification(tenantId="00000000-0000-0000-0000-000000000000"))
    assert response.status_code == 202
    assert only_delivery().erp_tenant_id == "00000000-0000-0000-0000-000000000000"


def test_an_oversized_body_is_refused_with_413_and_stored_without_it(
    subscription, post_signed, settings
):
    settings.WEBHOOKS_MAX_BODY_BYTES = 1024
    payload = notification(padding="x" * 2000)
    response = post_signed(payload)
    assert response.status_code == 413
    delivery = only_delivery()
    assert delivery.status == DeliveryStatus.REJECTED
    assert delivery.response_status == 413
    assert not delivery.body_stored and bytes(delivery.body) == b""
    assert delivery.body_size > 1024


def test_a_wrong_content_type_is_refused_with_415_and_stored(subscription, client):
    response = client.post(
        reverse("webhooks:inbound_visma"), data="eventId=x", content_type="text/plain"
    )
    assert response.status_code == 415
    delivery = only_delivery()
    assert delivery.status == DeliveryStatus.REJECTED and delivery.response_status == 415
    assert bytes(delivery.body) == b"eventId=x"


def test_a_body_that_is_not_json_is_refused_after_its_signature(subscription, post_signed):
    response = post_signed({}, body=b"{not json")
    assert response.status_code == 400
    assert only_delivery().verified is True


def test_only_post_reaches_the_endpoint(client, db):
    assert client.get(reverse("webhooks:inbound_visma")).status_code == 405


def test_a_statuspage_post_with_the_right_token_is_verified(client, db):
    token, plaintext = services.statuspage_token_create(actor=None, label="status")
    body = {"page": {"id": "p"}, "component_update": {"id": "cu1"}, "component": {"id": "c"}}
    response = client.post(
        reverse("webhooks:inbound_statuspage", args=[plaintext]),
        data=body,
        content_type="application/json",
    )
    assert response.status_code == 202
    delivery = only_delivery()
    assert delivery.verification == Verification.URL_TOKEN and delivery.verified is True
    assert delivery.event_type == "component_update"
    assert delivery.dedupe_key == "component_update:cu1"
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert plaintext not in json.dumps(delivery.headers) + delivery.endpoint


def test_a_wrong_statuspage_token_is_refused_as_not_found_and_stored(client, db):
    services.statuspage_token_create(actor=None, label="status")
    response = client.post(
        reverse("webhooks:inbound_statuspage", args=["guessed-token"]),
        data={"incident": {"id": "i1"}},
        content_type="application/json",
    )
    assert response.status_code == 404
    delivery = only_delivery()
    assert delivery.status == DeliveryStatus.REJECTED and delivery.verified is False


def test_a_retired_statuspage_token_is_refused(client, db):
    token, plaintext = services.statuspage_token_create(actor=None, label="status")
    services.statuspage_token_retire(actor=None, token=token)
    response = client.post(
        reverse("webhooks:inbound_statuspage", args=[plaintext]),
        data={"incident": {"id": "i1"}},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_the_token_is_stored_only_as_its_hash(db):
    token, plaintext = services.statuspage_token_create(actor=None, label="status")
    assert plaintext not in token.token_sha256 and len(plaintext) >= 40


def test_a_legacy_background_callback_is_queued_unverified_for_its_handler(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("webhooks:inbound_background"),
            data={"id": "job-1", "statusCode": 200, "stateLocation": "http://erp/v1/background/1"},
            content_type="application/json",
        )
    assert response.status_code == 202
    delivery = only_delivery()
    assert delivery.verification == Verification.REFETCH and delivery.verified is None
    assert delivery.dedupe_key == "job-1:200"
    assert len(callbacks) == 1


def test_a_check_that_crashes_is_stored_as_a_refusal_with_the_check_it_was(
    subscription, post_signed, monkeypatch, django_capture_on_commit_callbacks
):
    from webhooks import keys

    def broken(*args, **kwargs):
        raise RuntimeError("the key store is unreadable")

    monkeypatch.setattr(keys, "signing_key_for", broken)
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_signed(notification())
    assert response.status_code == 500
    delivery = only_delivery()
    assert delivery.status == DeliveryStatus.REJECTED and delivery.response_status == 500
    assert delivery.verification == Verification.SIGNATURE and delivery.verified is None
    assert "could not check" in delivery.last_error and "unreadable" in delivery.last_error
    assert bytes(delivery.body)  # what arrived is kept, to be looked at
    assert callbacks == []
