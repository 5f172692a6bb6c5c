from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from . import grants
        from .accounts import connect_signals

        post_migrate.connect(_ensure_role_groups, sender=self)
        connect_signals()
        grants.connect_signals()


def _ensure_role_groups(sender, **kwargs) -> None:
    # The data migration creates the roles; this repairs them after a flush (as test runs do).
    from django.contrib.auth.models import Group, Permission

    from .roles import sync_role_groups

    sync_role_groups(Group, Permission)


class PortalAdminConfig(AdminConfig):
    """The Django admin, reached only through the allauth login (see admin_site.py)."""

    default_site = "portal.admin_site.PortalAdminSite"
