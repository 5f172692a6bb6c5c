"""The inbox pages for each role: viewers read, admins reprocess and manage keys and URLs."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from portal.models import AuditEvent
from tests.html_checks import repeated_ids
from webhooks import services
from webhooks.models import DeliveryStatus, InboundDelivery, SigningKey, StatuspageToken

from .conftest import KEY, TENANT, notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_delivery(subscription, post_signed):
    post_signed(notification(password="hunter2-in-body"))
    delivery = InboundDelivery.objects.get()
    InboundDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED, last_error="RuntimeError: boom", traceback="Traceback: boom"
    )
    return delivery


def test_the_inbox_lists_and_filters_deliveries_for_a_viewer(failed_delivery, client_for, viewer):
    client = client_for(viewer)
    page = client.get(reverse("webhooks:inbox")).content.decode()
    assert "apinvoice_statuschanged" in page and TENANT in page
    assert "Process a range again" not in page
    filtered = client.get(reverse("webhooks:inbox"), {"status": "processed"}).content.decode()
    assert "apinvoice_statuschanged" not in filtered
    by_tenant = client.get(reverse("webhooks:inbox"), {"tenant": TENANT}).content.decode()
    assert f'href="{reverse("webhooks:delivery", args=[failed_delivery.pk])}"' in by_tenant


def test_a_bad_filter_is_a_form_error_not_a_500(failed_delivery, client_for, viewer):
    response = client_for(viewer).get(reverse("webhooks:inbox"), {"status": "nonsense"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_delivery_page_shows_headers_and_body_redacted(failed_delivery, client_for, viewer):
    page = client_for(viewer).get(reverse("webhooks:delivery", args=[failed_delivery.pk]))
    text = page.content.decode()
    assert "x-vwd-notification-id" in text and "Traceback: boom" in text
    assert "hunter2-in-body" not in text  # a password-like body field is masked on the page
    assert "RuntimeError: boom" in text
    assert "Process again" not in text  # a viewer cannot


def test_an_unknown_delivery_is_404(client_for, viewer):
    client = client_for(viewer)
    assert client.get(reverse("webhooks:delivery", args=["999999"])).status_code == 404
    assert client.get(reverse("webhooks:delivery", args=["x1"])).status_code == 404


def test_a_viewer_and_an_operator_cannot_reprocess(failed_delivery, client_for, viewer, operator):
    for user in (viewer, operator):
        client = client_for(user)
        url = reverse("webhooks:reprocess", args=[failed_delivery.pk])
        assert client.post(url).status_code == 403
        assert client.post(reverse("webhooks:reprocess_range")).status_code == 403
        assert client.get(reverse("webhooks:verification")).status_code == 403
    failed_delivery.refresh_from_db()
    assert failed_delivery.status == DeliveryStatus.FAILED


def test_an_admin_reprocesses_one_delivery(
    failed_delivery, client_for, admin, django_capture_on_commit_callbacks
):
    client = client_for(admin)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("webhooks:reprocess", args=[failed_delivery.pk]), follow=True
        )
    assert "queued to be processed again" in response.content.decode()
    failed_delivery.refresh_from_db()
    assert failed_delivery.status == DeliveryStatus.QUEUED and len(callbacks) == 1


def test_reprocessing_a_range_with_a_bad_range_says_why(failed_delivery, client_for, admin):
    response = client_for(admin).post(
        reverse("webhooks:reprocess_range"),
        {"source": "visma", "start": "2026-12-02T10:00", "end": "2026-12-02T09:00"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "The end of the range must come after its start." in text
    assert "This field is required." in text  # no status chosen
    # The page comes back at the range's URL; its filters must still filter the inbox.
    filter_form = re.search(r'<form[^>]*id="inbox-filter"[^>]*>', text).group(0)
    assert f'action="{reverse("webhooks:inbox")}"' in filter_form
    assert reverse("webhooks:reprocess_range") not in filter_form
    failed_delivery.refresh_from_db()
    assert failed_delivery.status == DeliveryStatus.FAILED


def test_a_range_that_matches_nothing_says_so_and_queues_nothing(
    failed_delivery, client_for, admin
):
    response = client_for(admin).post(
        reverse("webhooks:reprocess_range"),
        {
            "source": "visma",
            "start": "2001-01-01T00:00",
            "end": "2001-01-02T00:00",
            "statuses": ["failed"],
        },
        follow=True,
    )
    text = response.content.decode()
    assert "nothing was queued" in text and "are queued" not in text
    failed_delivery.refresh_from_db()
    assert failed_delivery.status == DeliveryStatus.FAILED


def test_an_admin_reprocesses_a_range(failed_delivery, client_for, admin):
    response = client_for(admin).post(
        reverse("webhooks:reprocess_range"),
        {
            "source": "visma",
            "start": "2001-01-01T00:00",
            "end": "2099-01-01T00:00",
            "statuses": ["failed"],
        },
        follow=True,
    )
    assert "1 delivery is queued to be processed again" in response.content.decode()
    failed_delivery.refresh_from_db()
    assert failed_delivery.status == DeliveryStatus.QUEUED
    event = AuditEvent.objects.get(action="webhooks.deliveries_reprocess_range")
    assert event.target_label == "Visma Webhook Dispatcher deliveries"
    assert event.details["start"].startswith("2001-01-01T")  # shown in the reader's zone


def test_the_admins_inbox_has_each_id_once(failed_delivery, client_for, admin):
    # The filter and the range form both ask for a source: each label must find its own field.
    page = client_for(admin).get(reverse("webhooks:inbox")).content.decode()
    assert "Process a range again" in page
    assert repeated_ids(page) == []
    assert 'for="id_range_source"' in page and 'id="id_range_source"' in page


def test_an_admin_adds_a_subscription_and_a_key_that_is_never_shown(client_for, admin):
    client = client_for(admin)
    client.post(
        reverse("webhooks:subscription_create"), {"name": "ERP events", "dispatcher_id": "s-9"}
    )
    subscription = services.Subscription.objects.get(name="ERP events")
    response = client.post(
        reverse("webhooks:signing_key_add", args=[subscription.pk]),
        {"label": "first", "key": KEY},
        follow=True,
    )
    assert KEY not in response.content.decode()
    assert SigningKey.objects.get().secret.reveal() == KEY


def test_a_short_key_is_refused_with_a_message(subscription, client_for, admin):
    response = client_for(admin).post(
        reverse("webhooks:signing_key_add", args=[subscription.pk]),
        {"label": "short", "key": "abc"},
    )
    assert response.status_code == 400
    assert "at least 16 characters" in response.content.decode()
    assert SigningKey.objects.count() == 1


def test_a_duplicate_subscription_name_is_refused(subscription, client_for, admin):
    response = client_for(admin).post(
        reverse("webhooks:subscription_create"), {"name": "erp events"}
    )
    assert response.status_code == 400
    assert "exists already" in response.content.decode()


def test_a_dispatcher_id_another_subscription_has_is_refused(subscription, client_for, admin):
    # Two subscriptions with one dispatcher id would make "its keys are tried first" ambiguous.
    response = client_for(admin).post(
        reverse("webhooks:subscription_create"), {"name": "Second", "dispatcher_id": "sub-1"}
    )
    assert response.status_code == 400
    assert "The subscription “ERP events” has this dispatcher id already." in (
        response.content.decode()
    )
    assert services.Subscription.objects.count() == 1
    # Several subscriptions may leave the id empty.
    for name in ("No id 1", "No id 2"):
        client_for(admin).post(reverse("webhooks:subscription_create"), {"name": name})
    assert services.Subscription.objects.filter(dispatcher_id="").count() == 2


def test_an_admin_makes_a_statuspage_url_shown_once_and_retires_it(client_for, admin):
    client = client_for(admin)
    response = client.post(reverse("webhooks:statuspage_token_create"), {"label": "status"})
    text = response.content.decode()
    assert "shown only now" in text
    token = StatuspageToken.objects.get()
    again = client.get(reverse("webhooks:verification")).content.decode()
    assert "shown only now" not in again
    client.post(reverse("webhooks:statuspage_token_retire", args=[token.pk]))
    token.refresh_from_db()
    assert token.active is False


@pytest.mark.parametrize("role", ["admin", "operator", "viewer"])
def test_the_empty_inbox_points_only_admins_to_keys_and_urls(
    client_for, admin, operator, viewer, role
):
    user = {"admin": admin, "operator": operator, "viewer": viewer}[role]
    client = client_for(user)
    html = client.get(reverse("webhooks:inbox")).content.decode()
    empty = html.split('data-testid="no-deliveries"', 1)[1].split("</td>", 1)[0]
    keys_url = reverse("webhooks:verification")
    if role == "admin":
        assert f'<a href="{keys_url}">Keys and URLs</a>' in empty
        assert client.get(keys_url).status_code == 200
    else:
        assert "Keys and URLs" not in empty and keys_url not in html
        assert "ask an admin" in empty
        assert client.get(keys_url).status_code == 403
    history = client.get(reverse("tenants:status_history")).content.decode()
    assert ("Keys and URLs" in history) is (role == "admin")
