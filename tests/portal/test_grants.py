"""A user's role and permissions come from the cache after their first page, and every change of
them reaches the next page at once (portal/grants.py); sessions are read from the cache and a
sign-out ends them everywhere (portal/sessions.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.grants import grants_of
from portal.models import User
from portal.roles import Role

pytestmark = pytest.mark.django_db

AUTH_TABLES = ('"auth_group"', '"auth_permission"', '"portal_user_groups"', "user_permissions")


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _auth_queries(client: Client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return [q["sql"] for q in queries if any(table in q["sql"] for table in AUTH_TABLES)]


def test_a_users_role_and_permissions_are_read_once_then_cached(viewer):
    client = _signed_in(viewer)
    assert _auth_queries(client, "/tenants/")  # the session's first page reads them
    assert _auth_queries(client, "/tenants/") == []
    assert _auth_queries(client, "/") == []


def test_a_role_change_reaches_the_users_next_page(admin):
    other_admin = User.objects.create_user(email="second-admin@isv.example", password="x-9-y-8-z")
    other_admin.groups.set([Group.objects.get(name=Role.ADMIN.value)])
    theirs = _signed_in(other_admin)
    assert theirs.get("/staff/").status_code == 200  # cached as an admin now

    response = _signed_in(admin).post(f"/staff/{other_admin.pk}/role/", {"role": "viewer"})

    assert response.status_code == 302
    assert theirs.get("/staff/").status_code == 403
    assert "Viewer" in theirs.get("/tenants/").content.decode()


def test_a_groups_permission_change_reaches_its_signed_in_users(viewer):
    client = _signed_in(viewer)
    assert client.get("/tenants/").status_code == 200
    group = Group.objects.get(name=Role.VIEWER.value)
    view_portal = Permission.objects.get(codename="view_portal")

    group.permissions.remove(view_portal)
    assert client.get("/tenants/").status_code == 403

    view_portal.group_set.add(group)  # the other side of the same relation
    assert client.get("/tenants/").status_code == 200


def test_leaving_a_group_from_the_groups_side_reaches_the_user(viewer):
    client = _signed_in(viewer)
    assert client.get("/tenants/").status_code == 200

    Group.objects.get(name=Role.VIEWER.value).user_set.clear()

    assert client.get("/tenants/").status_code == 403


def test_a_deactivated_user_is_signed_out_at_their_next_page(admin, viewer):
    client = _signed_in(viewer)
    assert client.get("/tenants/").status_code == 200

    _signed_in(admin).post(f"/staff/{viewer.pk}/active/", {"active": "0"})

    response = client.get("/tenants/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_grants_come_from_the_database_while_the_cache_is_down(settings, viewer):
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.redis_cache.RedisCache",
            # Nothing listens on port 1: every cache call fails at once.
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    fresh = User.objects.get(pk=viewer.pk)
    assert grants_of(fresh).role is Role.VIEWER
    assert fresh.has_perm("portal.view_portal")
    assert not fresh.has_perm("portal.operate")


def test_a_signed_out_session_cookie_no_longer_signs_in(viewer):
    client = _signed_in(viewer)
    assert client.get("/tenants/").status_code == 200
    cookie = client.cookies["sessionid"].value

    client.post("/accounts/logout/")

    replay = Client()
    replay.cookies["sessionid"] = cookie
    response = replay.get("/tenants/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
