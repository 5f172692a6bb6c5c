from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"


class PortalAdminConfig(AdminConfig):
    """The Django admin, reached only through the allauth login (see admin_site.py)."""

    default_site = "portal.admin_site.PortalAdminSite"
