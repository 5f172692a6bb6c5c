"""Visma.net buttons: a press runs the mapped portal action, audited; an unmapped one is kept."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.urls import reverse

from operations.webhook_models import (
    AutomationAction,
    AutomationMapping,
    AutomationRun,
    AutomationRunStatus,
)
from portal.models import AuditEvent
from tenants.models import CheckRun
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
def press(subscription, client, django_capture_on_commit_callbacks):
    """press(tenant, parameter, event=...) -> the processed delivery of one button press."""

    def run(tenant, parameter, event="SALESORDER_UI_CUSTOMACTION", entity_id="SO/000021"):
        payload = {
            "notificationId": str(uuid.uuid4()),
            "eventId": event,
            "tenantId": tenant.tenant_id,
            "action": "CustomAction",
            "entityId": entity_id,
            "parameter": parameter,
        }
        body = json.dumps(payload).encode()
        with django_capture_on_commit_callbacks():
            response = client.post(
                reverse("webhooks:inbound_visma"),
                data=body,
                content_type="application/json",
                **dispatcher_headers(body, payload),
            )
        delivery = InboundDelivery.objects.get(pk=response.json()["delivery"])
        services.delivery_process(pk=delivery.pk)
        delivery.refresh_from_db()
        return delivery

    return run


def test_an_unmapped_press_is_stored_and_shown(press, tenant, client_for, viewer):
    delivery = press(tenant, "recheck")
    assert delivery.status == DeliveryStatus.PROCESSED
    run = AutomationRun.objects.get()
    assert run.status == AutomationRunStatus.UNMAPPED and run.parameter == "recheck"
    page = client_for(viewer).get(reverse("operations:automation")).content.decode()
    assert "No mapping for SALESORDER_UI_CUSTOMACTION" in page and "recheck" in page
    # Who can map it: a viewer is told, and offered no form.
    assert "added and changed by an admin" in page and 'id="mapping-form"' not in page


def test_a_press_mapped_to_check_the_tenant_runs_a_check(press, tenant, admin):
    from operations.automation import mapping_create

    mapping_create(
        actor=admin,
        event_type="SALESORDER_UI_CUSTOMACTION",
        parameter="recheck",
        action=AutomationAction.CHECK_TENANT,
    )
    before = CheckRun.objects.filter(tenant=tenant).count()
    press(tenant, "recheck")
    run = AutomationRun.objects.get()
    assert run.status == AutomationRunStatus.DONE
    assert run.check_run is not None and run.check_run.tenant == tenant
    assert CheckRun.objects.filter(tenant=tenant).count() == before + 1
    assert AuditEvent.objects.filter(action="operations.automation_run").count() == 1
    assert AuditEvent.objects.filter(action="operations.automation_mapping_create").count() == 1


def test_a_mapping_for_any_parameter_applies_and_an_exact_one_wins(press, tenant, admin):
    from operations.automation import mapping_create

    mapping_create(
        actor=admin,
        event_type="customer_actiontriggered",
        parameter="",
        action=AutomationAction.NOTE,
        note="Call the customer about credit.",
    )
    mapping_create(
        actor=admin,
        event_type="customer_actiontriggered",
        parameter="refresh",
        action=AutomationAction.REFRESH_DOCUMENT,
    )
    press(tenant, "anything", event="customer_actiontriggered", entity_id="10000")
    press(tenant, "refresh", event="customer_actiontriggered", entity_id="10000")
    note, refresh = AutomationRun.objects.order_by("pk")
    assert note.outcome == "Note for staff: Call the customer about credit."
    assert refresh.action == AutomationAction.REFRESH_DOCUMENT
    assert "customer 10000 queued" in refresh.outcome


def test_a_disabled_mapping_leaves_the_press_unmapped(press, tenant, admin, client_for):
    from operations.automation import mapping_create

    mapping = mapping_create(
        actor=admin, event_type="SALESORDER_UI_CUSTOMACTION", parameter="", action="note", note="x"
    )
    client_for(admin).post(reverse("operations:automation_mapping_toggle", args=[mapping.pk]))
    mapping.refresh_from_db()
    assert mapping.active is False
    press(tenant, "p")
    assert AutomationRun.objects.get().status == AutomationRunStatus.UNMAPPED


def test_an_admin_adds_a_mapping_and_bad_input_changes_nothing(client_for, admin):
    client = client_for(admin)
    bad = client.post(
        reverse("operations:automation_mapping_add"),
        {"event_type": "customer_changed", "parameter": "", "action": "check_tenant"},
    )
    assert bad.status_code == 400
    assert "action triggered" in bad.content.decode()
    # The page comes back at the mapping form's URL; the presses' filters still filter presses.
    runs_filter = re.search(r'<form[^>]*id="runs-filter"[^>]*>', bad.content.decode()).group(0)
    assert f'action="{reverse("operations:automation")}"' in runs_filter
    no_note = client.post(
        reverse("operations:automation_mapping_add"),
        {"event_type": "SALESORDER_UI_CUSTOMACTION", "action": "note"},
    )
    assert "Write the note" in no_note.content.decode()
    assert not AutomationMapping.objects.exists()
    good = client.post(
        reverse("operations:automation_mapping_add"),
        {"event_type": "SALESORDER_UI_CUSTOMACTION", "parameter": "go", "action": "check_tenant"},
        follow=True,
    )
    assert "Mapping saved" in good.content.decode()
    twice = client.post(
        reverse("operations:automation_mapping_add"),
        {
            "event_type": "SALESORDER_UI_CUSTOMACTION",
            "parameter": "go",
            "action": "note",
            "note": "n",
        },
    )
    assert "mapped already" in twice.content.decode()
    assert AutomationMapping.objects.count() == 1


def test_viewers_and_operators_cannot_edit_the_mapping(client_for, viewer, operator, admin):
    from operations.automation import mapping_create

    mapping = mapping_create(
        actor=admin, event_type="SALESORDER_UI_CUSTOMACTION", parameter="", action="note", note="x"
    )
    for user in (viewer, operator):
        client = client_for(user)
        page = client.get(reverse("operations:automation")).content.decode()
        assert "Add a mapping" not in page
        assert client.post(reverse("operations:automation_mapping_add"), {}).status_code == 403
        url = reverse("operations:automation_mapping_toggle", args=[mapping.pk])
        assert client.post(url).status_code == 403
    mapping.refresh_from_db()
    assert mapping.active
