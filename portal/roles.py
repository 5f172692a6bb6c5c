"""The three roles. Each is a Django group holding the portal's permissions (see models.Access).

viewer   reads everything except secrets
operator viewer + runs checks and ERP actions
admin    operator + manages API clients, credentials and users (and the Django admin)
"""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    VIEWER = "viewer"
    OPERATOR = "operator"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return self.value.capitalize()


VIEW = "portal.view_portal"
OPERATE = "portal.operate"
MANAGE_CREDENTIALS = "portal.manage_credentials"
MANAGE_USERS = "portal.manage_users"

# Strongest first, so a user in several groups is shown by the strongest.
ROLE_ORDER = (Role.ADMIN, Role.OPERATOR, Role.VIEWER)


def role_of(user) -> Role | None:
    """The user's strongest role (kept with their permissions: portal/grants.py)."""
    from .grants import grants_of

    return grants_of(user).role


# Permission codenames of each role. Admins may browse users and the audit log in the (read-only)
# Django admin; users and roles change only on the portal's staff page.
ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.VIEWER: ("view_portal",),
    Role.OPERATOR: ("view_portal", "operate"),
    Role.ADMIN: (
        "view_portal",
        "operate",
        "manage_credentials",
        "manage_users",
        "view_auditevent",
        "view_user",
    ),
}


def sync_role_groups(group_model, permission_model) -> None:
    """Create or repair the three groups. Takes the models so a migration can pass its own."""
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role.value)
        group.permissions.set(
            permission_model.objects.filter(
                content_type__app_label="portal", codename__in=codenames
            )
        )
