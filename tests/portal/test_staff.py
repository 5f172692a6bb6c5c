"""Inviting staff, accepting an invitation, and changing roles."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from portal.models import AuditEvent, User
from portal.roles import OPERATE

pytestmark = pytest.mark.django_db


def _invite(client, email="new.person@isv.example", role="operator"):
    return client.post(
        "/staff/invite/", {"email": email, "role": role, "first_name": "New", "last_name": "Person"}
    )


def _link_from_mail() -> str:
    match = re.search(r"http://testserver(/invitation/\S+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_an_admin_invites_and_the_invitee_sets_a_password(
    client, client_for, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client_for(admin))
    assert response.status_code == 302
    invited = User.objects.get(email="new.person@isv.example")
    assert not invited.has_usable_password()
    assert invited.has_perm(OPERATE)
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="user.invited", target_id=str(invited.pk)).exists()

    link = _link_from_mail()
    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and b"Choose a password" in page.content
    response = client.post(
        link, {"new_password1": "a-long-new-password", "new_password2": "a-long-new-password"}
    )
    assert response.status_code == 302
    invited.refresh_from_db()
    assert invited.check_password("a-long-new-password")
    signed_in = client.post(
        "/accounts/login/", {"login": "new.person@isv.example", "password": "a-long-new-password"}
    )
    assert signed_in.status_code == 302 and client.session.get("_auth_user_id") == str(invited.pk)
    client.logout()
    # The link is spent: a second use is refused and changes nothing.
    again = client.post(
        link, {"new_password1": "another-password-1", "new_password2": "another-password-1"}
    )
    assert again.status_code == 400
    assert b"no longer works" in again.content
    invited.refresh_from_db()
    assert invited.check_password("a-long-new-password")


def test_an_expired_invitation_says_so_and_changes_nothing(
    client, client_for, admin, settings, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client_for(admin))
    link = _link_from_mail()
    client.logout()
    from portal.invitations import invitation_tokens

    real_now = invitation_tokens._now
    monkeypatch.setattr(
        invitation_tokens, "_now", lambda: real_now().replace(year=real_now().year + 1)
    )
    response = client.post(
        link, {"new_password1": "a-long-new-password", "new_password2": "a-long-new-password"}
    )
    assert response.status_code == 400
    assert b"no longer works" in response.content
    assert not User.objects.get(email="new.person@isv.example").has_usable_password()


def test_a_weak_password_is_refused_with_the_reason(
    client, client_for, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client_for(admin))
    link = _link_from_mail()
    client.logout()
    response = client.post(link, {"new_password1": "12345", "new_password2": "12345"})
    assert response.status_code == 200
    assert b"too short" in response.content
    assert not User.objects.get(email="new.person@isv.example").has_usable_password()


def test_inviting_an_existing_address_is_refused(client_for, admin, viewer):
    response = _invite(client_for(admin), email="VIEWER@isv.example")
    assert response.status_code == 200
    assert b"already a user" in response.content
    assert User.objects.filter(email__iexact="viewer@isv.example").count() == 1


def test_an_admin_changes_a_role_and_it_is_audited(client_for, admin, viewer):
    response = client_for(admin).post(f"/staff/{viewer.pk}/role/", {"role": "operator"})
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert [g.name for g in viewer.groups.all()] == ["operator"]
    event = AuditEvent.objects.get(action="user.role_changed")
    assert event.details == {"role": "operator"}


def test_an_admin_cannot_demote_themselves(client_for, admin):
    client_for(admin).post(f"/staff/{admin.pk}/role/", {"role": "viewer"})
    assert [g.name for g in admin.groups.all()] == ["admin"]
    assert not AuditEvent.objects.filter(action="user.role_changed").exists()


def test_an_unknown_role_changes_nothing(client_for, admin, viewer):
    client_for(admin).post(f"/staff/{viewer.pk}/role/", {"role": "superuser"})
    assert [g.name for g in viewer.groups.all()] == ["viewer"]


def test_a_deactivated_user_cannot_sign_in(client, client_for, admin, viewer):
    client_for(admin).post(f"/staff/{viewer.pk}/active/", {"active": "0"})
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": viewer.email, "password": "correct-horse-battery"}
    )
    assert response.status_code in {200, 302}
    assert "_auth_user_id" not in client.session


def test_resending_an_invitation_invalidates_the_earlier_link(
    client, client_for, admin, django_capture_on_commit_callbacks
):
    staff = client_for(admin)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(staff)
    first = _link_from_mail()
    invited = User.objects.get(email="new.person@isv.example")
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/staff/{invited.pk}/resend/")
    second = _link_from_mail()
    assert second != first
    client.logout()

    old = client.post(
        first, {"new_password1": "a-long-new-password", "new_password2": "a-long-new-password"}
    )
    assert old.status_code == 400
    invited.refresh_from_db()
    assert not invited.has_usable_password()
    assert client.get(second).status_code == 200
