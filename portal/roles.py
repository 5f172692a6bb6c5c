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
    if not user.is_authenticated:
        return None
    names = {group.name for group in user.groups.all()}
    for role in ROLE_ORDER:
        if role.value in names:
            return role
    return None
