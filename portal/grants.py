"""What a signed-in user may do, their role and their permissions, read once and kept in the cache.

Every page asks: the navigation, the role shown in the header, the views' permission checks.
Read from the database that is three queries a page (the user's permissions, their groups'
permissions, their groups). The shared cache keeps the answer per user, and every change it is
made of deletes the affected users' entries, at once and again once committed:

- a user's groups or direct permissions (``m2m_changed``), their row (active, superuser);
- a group's permissions, its name (a role is a group's name) or the group itself.

``PORTAL_GRANTS_CACHE_SECONDS`` bounds an entry's life, for a change made without the ORM (raw
SQL, a ``QuerySet.update``) and for the one race a cache like this has: a page that read the old
grants just before a change committed and stored them just after. The key carries the user's
``date_joined`` as well as their pk, so a pk a test database hands out again never finds an
earlier user's grants.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from .roles import ROLE_ORDER, Role

_ATTRIBUTE = "_portal_grants"


@dataclass(frozen=True, slots=True)
class Grants:
    role: Role | None
    permissions: frozenset[str]


NONE = Grants(None, frozenset())


def grants_of(user) -> Grants:
    """The user's role and permissions ("app_label.codename"); nothing for anonymous users."""
    if user is None or not user.is_authenticated:
        return NONE
    known = getattr(user, _ATTRIBUTE, None)
    if known is not None:
        return known
    key = _key(user)
    stored = _cache_get(key)
    if stored is None:
        grants = _read(user)
        _cache_set(key, (grants.role.value if grants.role else "", sorted(grants.permissions)))
    else:
        role, permissions = stored
        grants = Grants(Role(role) if role else None, frozenset(permissions))
    setattr(user, _ATTRIBUTE, grants)
    return grants


def _read(user) -> Grants:
    names = {group.name for group in user.groups.all()}
    role = next((role for role in ROLE_ORDER if role.value in names), None)
    # ModelBackend's own reading: nothing for an inactive user, everything for a superuser.
    permissions = ModelBackend().get_all_permissions(_fresh(user))
    return Grants(role, frozenset(permissions))


def _fresh(user):
    """The same user without ModelBackend's per-object caches (which this module fills)."""
    return get_user_model()(pk=user.pk, is_active=user.is_active, is_superuser=user.is_superuser)


def _key(user) -> str:
    joined = user.date_joined.timestamp() if getattr(user, "date_joined", None) else 0
    return f"portal:grants:{user.pk}:{joined:.6f}"


def _cache_get(key: str):
    try:
        return cache.get(key)
    except Exception:  # the cache is down: the database answers, as without this module
        return None


def _cache_set(key: str, value) -> None:
    try:
        cache.set(key, value, timeout=settings.PORTAL_GRANTS_CACHE_SECONDS)
    except Exception:  # the cache is down: the next page reads the database again
        return


def forget(user_pks) -> None:
    """Drop the cached grants of these users, now and once the current transaction commits."""
    users = get_user_model().objects.filter(pk__in=list(user_pks)).only("pk", "date_joined")
    forget_users(list(users))


def forget_users(users) -> None:
    keys = [_key(user) for user in users]
    if not keys:
        return

    def delete() -> None:
        try:
            cache.delete_many(keys)
        except Exception:  # the cache is down: entries expire after PORTAL_GRANTS_CACHE_SECONDS
            return

    delete()
    transaction.on_commit(delete)


class GrantsBackend(ModelBackend):
    """Django's ModelBackend, its permissions read through the cached grants.

    Filling ModelBackend's per-user ``_perm_cache`` also answers allauth's backend (a
    ModelBackend too) without a query of its own."""

    def get_all_permissions(self, user_obj, obj=None):
        fill = user_obj.is_active and not user_obj.is_anonymous and obj is None
        if fill and not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = set(grants_of(user_obj).permissions)
        return super().get_all_permissions(user_obj, obj=obj)


# --- what deletes cached grants ------------------------------------------------------------------


def _users_of_groups(group_pks) -> list[int]:
    return list(
        get_user_model()
        .objects.filter(groups__pk__in=list(group_pks))
        .values_list("pk", flat=True)
        .distinct()
    )


def _user_links_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A user's groups or permissions, from either side (``user.groups`` or ``group.user_set``)."""
    if not reverse:
        if action.startswith("post_"):
            forget_users([instance])
    elif action == "pre_clear":  # who is cleared is known only before
        forget(instance.user_set.values_list("pk", flat=True))
    elif action.startswith("post_") and pk_set:
        forget(pk_set)


def _group_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A group's permissions, from either side (``group.permissions`` or
    ``permission.group_set``)."""
    if not reverse:
        groups = [instance.pk] if action.startswith("post_") or action == "pre_clear" else []
    elif action == "pre_clear":
        groups = list(instance.group_set.values_list("pk", flat=True))
    else:
        groups = list(pk_set or []) if action.startswith("post_") else []
    if groups:
        forget(_users_of_groups(groups))


def _user_saved(sender, instance, **kwargs) -> None:
    forget_users([instance])


def _group_changed(sender, instance, **kwargs) -> None:
    forget(_users_of_groups([instance.pk]))


def connect_signals() -> None:
    user_model = get_user_model()
    m2m_changed.connect(_user_links_changed, sender=user_model.groups.through)
    m2m_changed.connect(_user_links_changed, sender=user_model.user_permissions.through)
    m2m_changed.connect(_group_permissions_changed, sender=Group.permissions.through)
    post_save.connect(_user_saved, sender=user_model)
    post_delete.connect(_user_saved, sender=user_model)
    post_save.connect(_group_changed, sender=Group)
    pre_delete.connect(_group_changed, sender=Group)
