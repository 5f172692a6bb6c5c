"""The Django admin is read-only for everyone: no role, group, password or second factor can be
changed there, so every such change goes through the portal's audited services."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group

from portal.models import AuditEvent, User
from portal.roles import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root@isv.example", "correct-horse-battery")


@pytest.fixture
def totp(viewer):
    return Authenticator.objects.create(
        user=viewer, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )


def _change_form(user: User, **changes) -> dict:
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [str(Group.objects.get(name=Role.ADMIN.value).pk)],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_nobody_can_make_a_user_superuser_or_admin_in_the_admin(request, client, who, viewer):
    actor = request.getfixturevalue(who)
    client.force_login(actor)
    for target in (actor, viewer):
        response = client.post(f"/admin/portal/user/{target.pk}/change/", _change_form(target))
        assert response.status_code == 403, (who, target.email)
    viewer.refresh_from_db()
    actor.refresh_from_db()
    assert not viewer.is_superuser and not viewer.is_staff
    assert list(viewer.groups.values_list("name", flat=True)) == [Role.VIEWER.value]
    if who == "admin":
        assert not actor.is_superuser


@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_nobody_can_add_users_or_set_passwords_in_the_admin(request, client, who, viewer):
    client.force_login(request.getfixturevalue(who))
    before = viewer.password
    response = client.post(
        f"/admin/portal/user/{viewer.pk}/password/",
        {"password1": "a-new-pass-9876", "password2": "a-new-pass-9876", "usable_password": "true"},
    )
    assert response.status_code == 403
    viewer.refresh_from_db()
    assert viewer.password == before
    response = client.post(
        "/admin/portal/user/add/",
        {
            "email": "new@isv.example",
            "password1": "a-new-pass-9876",
            "password2": "a-new-pass-9876",
        },
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="new@isv.example").exists()
    # The admin's own password page hands over to the portal's (audited, rate-limited) one.
    response = client.get("/admin/password_change/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/change/"


@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_groups_and_authenticators_are_not_in_the_admin(request, client, who, totp):
    client.force_login(request.getfixturevalue(who))
    admin_group = Group.objects.get(name=Role.ADMIN.value)
    assert client.post(f"/admin/auth/group/{admin_group.pk}/change/", {}).status_code == 404
    assert (
        client.post(f"/admin/mfa/authenticator/{totp.pk}/delete/", {"post": "yes"}).status_code
        == 404
    )
    assert (
        client.post(
            "/admin/mfa/authenticator/",
            {"action": "delete_selected", "_selected_action": [totp.pk], "post": "yes"},
        ).status_code
        == 404
    )
    assert client.get("/admin/account/emailaddress/").status_code == 404
    assert Authenticator.objects.filter(pk=totp.pk).exists()
    assert admin_group.permissions.count() > 0


def test_a_superuser_cannot_delete_users_or_audit_rows(client, superuser, viewer):
    client.force_login(superuser)
    response = client.post(
        "/admin/portal/user/",
        {"action": "delete_selected", "_selected_action": [viewer.pk], "post": "yes"},
    )
    assert response.status_code in {200, 302, 403}
    assert User.objects.filter(pk=viewer.pk).exists()
    assert (
        client.post(f"/admin/portal/user/{viewer.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert User.objects.filter(pk=viewer.pk).exists()


def test_admins_can_still_browse_users_and_the_audit_log(client_for, admin, viewer):
    client = client_for(admin)
    assert client.get("/admin/").status_code == 200
    page = client.get(f"/admin/portal/user/{viewer.pk}/change/")
    assert page.status_code == 200
    assert viewer.email in page.content.decode()
    assert "pbkdf2" not in page.content.decode()
    assert client.get("/admin/portal/auditevent/").status_code == 200


def test_the_admin_view_on_site_link_never_reaches_a_table_less_model(client, superuser):
    from django.contrib.contenttypes.models import ContentType

    from portal.models import Access

    client.force_login(superuser)
    access = ContentType.objects.get_for_model(Access)
    assert client.get(f"/admin/r/{access.pk}/1/").status_code == 404
    assert client.get("/admin/r/1/1/").status_code == 404
    assert client.get("/admin/r/99999/1/").status_code == 404


def test_roles_are_changed_on_the_staff_page_with_an_audit_row(client_for, admin, viewer):
    client = client_for(admin)
    client.post(f"/staff/{viewer.pk}/role/", {"role": Role.ADMIN.value})
    assert AuditEvent.objects.filter(action="user.role_changed", target_id=str(viewer.pk)).exists()
    response = client.post(f"/staff/{admin.pk}/role/", {"role": Role.VIEWER.value})
    admin.refresh_from_db()
    assert admin.groups.get().name == Role.ADMIN.value
    assert response.status_code in {200, 302}


def test_a_second_admin_is_made_on_the_staff_page_not_in_the_admin():
    # The admin role's permissions hold no user add/change permission any more.
    group = Group.objects.get(name=Role.ADMIN.value)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_user", "change_user", "delete_user"}.isdisjoint(codenames)
    assert make_user(Role.ADMIN).has_perm("portal.view_user")
