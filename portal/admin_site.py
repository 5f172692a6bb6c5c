"""The admin site: its login is allauth's (so MFA and rate limits apply), and a signed-in user who
is not staff gets a 403 instead of a second login form."""

from __future__ import annotations

from functools import wraps

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.core.exceptions import PermissionDenied


class PortalAdminSite(admin.AdminSite):
    site_header = "Visma.net ISV portal: administration"
    site_title = "ISV portal admin"
    index_title = "Administration"

    def login(self, request, extra_context=None):
        return secure_admin_login(super().login)(request, extra_context)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied("The admin is for portal admins only.")
            return inner(request, *args, **kwargs)

        return guarded
