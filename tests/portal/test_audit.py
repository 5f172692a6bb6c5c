from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction

from portal import audit, audit_words
from portal.models import AuditEvent
from portal.pk_urls import pk_url
from portal.request_context import current_ip

pytestmark = pytest.mark.django_db

# How the audit page shows an event's code, beneath its words.
CODE = b'audit-code">%s</div>'


def _record(**kwargs):
    with transaction.atomic():
        return audit.record(**kwargs)


def test_an_event_names_actor_target_details_and_address(admin):
    token = current_ip.set("203.0.113.9")
    try:
        event = _record(
            actor=admin, action="user.invited", target=admin, details={"role": "viewer"}
        )
    finally:
        current_ip.reset(token)
    event.refresh_from_db()
    assert event.actor == admin
    assert event.actor_label == "admin@isv.example"
    assert (event.target_type, event.target_id) == ("portal.user", str(admin.pk))
    assert event.details == {"role": "viewer"}
    assert event.ip_address == "203.0.113.9"


@pytest.mark.parametrize(
    "details",
    [
        {"client_secret": "abc"},
        {"changes": {"password": "abc"}},
        {"rows": [{"access_token": "abc"}]},
        {"API-Key": "abc"},
    ],
)
def test_details_that_look_like_secrets_are_refused(admin, details):
    with pytest.raises(audit.SecretInAuditDetails):
        _record(actor=admin, action="user.invited", details=details)
    assert not AuditEvent.objects.exists()


def test_a_changed_secret_is_recorded_by_name_only(admin):
    event = _record(
        actor=admin, action="api_client.updated", details={"changed": ["client_secret"]}
    )
    assert event.details == {"changed": ["client_secret"]}


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_a_programming_error(admin):
    with pytest.raises(RuntimeError, match="inside the change's transaction"):
        audit.record(actor=admin, action="user.invited")


def test_events_are_append_only(admin):
    event = _record(actor=admin, action="user.invited")
    event.action = "something.else"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.update(action="x")
    assert AuditEvent.objects.get().action == "user.invited"


def test_the_admin_shows_events_read_only(client_for, admin):
    event = _record(actor=admin, action="user.invited", target=admin)
    client = client_for(admin)
    page = client.get(f"/admin/portal/auditevent/{event.pk}/change/")
    assert page.status_code == 200
    assert b'name="action"' not in page.content  # no editable field
    assert (
        client.post(f"/admin/portal/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert client.get("/admin/portal/auditevent/add/").status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_audit_page_filters(client_for, viewer, admin):
    _record(actor=admin, action="user.invited", target=admin, target_label="first")
    _record(actor=admin, action="user.role_changed", target=admin, target_label="second")
    client = client_for(viewer)
    everything = client.get("/audit/")
    assert everything.status_code == 200
    assert b"user.invited" in everything.content and b"user.role_changed" in everything.content
    only = client.get("/audit/", {"action": "user.role_changed"})
    assert b"user.role_changed" in only.content
    assert CODE % b"user.role_changed" in only.content
    assert CODE % b"user.invited" not in only.content


def test_the_audit_page_answers_htmx_with_the_results_only(client_for, viewer, admin):
    _record(actor=admin, action="user.invited", target=admin)
    response = client_for(viewer).get("/audit/", {"q": "invited"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"user.invited" in response.content


def test_a_bad_date_range_is_explained_and_shows_nothing_wrong(client_for, viewer):
    response = client_for(viewer).get("/audit/", {"since": "2026-05-02", "until": "2026-05-01"})
    assert response.status_code == 400  # explained on the page, and a 400 like any bad input
    assert b"The start date is after the end date." in response.content
    response = client_for(viewer).get("/audit/", {"since": "not-a-date"})
    assert b"Enter a valid date." in response.content


def test_pages_of_the_audit_log_keep_the_filters(client_for, viewer, admin):
    for n in range(55):
        _record(actor=admin, action="user.invited", target=admin, target_label=f"n{n}")
    _record(actor=admin, action="user.role_changed", target=admin)
    first = client_for(viewer).get("/audit/", {"action": "user.invited"}).content.decode()
    assert 'href="?action=user.invited&amp;page=2"' in first
    assert "Page 1 of 2" in first
    second = client_for(viewer).get("/audit/", {"action": "user.invited", "page": 2}).content
    assert second.count(CODE % b"user.invited") == 5


def test_an_action_without_words_is_refused(admin):
    with pytest.raises(audit.UnknownAuditAction, match="audit_words"):
        _record(actor=admin, action="user.did_something_new")
    assert not AuditEvent.objects.exists()


def test_every_action_the_code_records_has_words():
    # A code written as a literal anywhere in the project must be one the log can put in words,
    # including both codes of a conditional (`action="a" if x else "b"`, or in parentheses).
    root = Path(__file__).resolve().parents[2]
    argument = re.compile(
        r'action=(\([^)]*\)|"[^\n]*)|_(?:record_sign_in|on_authenticator)\("[^"]*"'
    )
    code = re.compile(r'"([a-z_]+\.[a-z_]+)"')
    found = set()
    for app in ("portal", "tenants", "usage", "operations", "webhooks"):
        for source in (root / app).rglob("*.py"):
            for match in argument.finditer(source.read_text()):
                found.update(code.findall(match.group(0)))
    scan_works = {"user.invited", "user.locked_out", "user.deactivated"}
    assert scan_works | {"operations.automation_mapping_disable"} <= found
    assert sorted(found - set(audit_words.ACTIONS)) == []


def test_the_audit_page_reads_in_words(client_for, viewer, admin):
    when = "2026-05-01T09:30:00+00:00"
    _record(
        actor=admin,
        action="webhooks.deliveries_reprocess_range",
        target_type="webhooks.inbounddelivery",
        target_label="visma range",
        details={
            "source": "visma",
            "start": when,
            "statuses": ["failed", "no_handler"],
            "path": "/v1/supplier_invoice",
        },
    )
    _record(actor=admin, action="user.role_changed", target=admin, details={"role": "operator"})
    html = client_for(viewer).get("/audit/").content.decode()
    assert "Webhook deliveries processed again (a time range)" in html
    assert "Role changed" in html
    assert '<span class="muted small">Inbound delivery</span> visma range' in html
    assert '<span class="muted">Statuses:</span> failed, no handler' in html
    assert '<span class="muted">Path:</span> /v1/supplier_invoice' in html  # not a code: as is
    # The time in the viewer's zone, the moment itself machine-readable.
    assert '<time datetime="2026-05-01T09:30:00Z"' in html
    assert 'value="user.role_changed">Role changed</option>' in html


def test_the_audit_search_finds_an_event_by_its_words(client_for, viewer, admin):
    _record(actor=admin, action="user.invited", target=admin, target_label="someone")
    _record(actor=admin, action="api_client.secret_changed", target=admin, target_label="other")
    found = client_for(viewer).get("/audit/", {"q": "secret replaced"}).content
    assert CODE % b"api_client.secret_changed" in found
    assert CODE % b"user.invited" not in found


def test_the_audit_log_links_an_object_to_its_page(client_for, viewer, admin, demo_clients):
    from tests.tenants.helpers import onboard_demo

    tenant = onboard_demo(demo_clients, "healthy")
    _record(
        actor=admin,
        action="tenant.updated",
        target_type="tenants.tenant",
        target_id=tenant.pk,
        target_label="Nordlys Handel AS",
    )
    _record(actor=admin, action="user.role_changed", target=admin, target_label="Ada")
    html = client_for(viewer).get("/audit/").content.decode()
    assert f'<a href="/tenants/{tenant.pk}/">Nordlys Handel AS</a>' in html
    assert '<span class="muted small">User</span> Ada</td>' in html  # no page: no link


def test_an_object_no_longer_in_the_portal_is_named_without_a_link(
    client_for, viewer, admin, demo_clients
):
    from tests.tenants.helpers import onboard_demo

    kept = onboard_demo(demo_clients, "healthy")
    for pk, label in ((kept.pk, "Kept AS"), (kept.pk + 1000, "Gone AS"), (kept.pk + 1001, "")):
        _record(
            actor=admin,
            action="tenant.updated",
            target_type="tenants.tenant",
            target_id=pk,
            target_label=label,
        )
    html = client_for(viewer).get("/audit/").content.decode()

    assert f'<a href="/tenants/{kept.pk}/">Kept AS</a>' in html
    assert "Gone AS <span" in html and f"/tenants/{kept.pk + 1000}/" not in html
    assert f"{kept.pk + 1001} <span" in html
    assert html.count("(no longer in the portal)") == 2


def test_an_id_that_only_looks_like_a_number_is_named_without_a_link(client_for, viewer, admin):
    _record(actor=admin, action="tenant.updated", target_type="tenants.tenant", target_id="²")
    response = client_for(viewer).get("/audit/")
    assert response.status_code == 200
    assert '<span class="muted small">Tenant</span> ²</td>' in response.content.decode()


def test_the_audit_page_asks_once_per_kind_of_object_whether_its_objects_are_left(
    client_for, viewer, admin
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def page_queries(rows: int) -> int:
        for n in range(rows):
            for target_type in ("tenants.tenant", "tenants.customer"):
                _record(actor=admin, action="tenant.updated", target_type=target_type, target_id=n)
        signed_in = client_for(viewer)
        with CaptureQueriesContext(connection) as captured:
            signed_in.get("/audit/")
        return len(captured.captured_queries)

    assert page_queries(1) == page_queries(5)


def test_each_audit_link_names_a_model_and_a_page():
    for target_type, url_name in settings.PORTAL_AUDIT_TARGET_URLS.items():
        apps.get_model(target_type)
        assert pk_url(url_name, 41).endswith("/41/"), url_name
