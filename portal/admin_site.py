"""The admin site: its login is allauth's (so MFA and rate limits apply), a signed-in user who is
not staff gets a 403 instead of a second login form, and everything in it is read-only.

Users, roles, passwords and authenticators change only through the portal's own pages, whose
services write the audit log and keep the "not your own role" rule. So every model the admin shows
is shown read-only, for superusers too, and the models that would let someone grant a role or
remove a second factor (groups, email addresses, authenticators) are not shown at all.
"""

from __future__ import annotations

from functools import wraps

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import PermissionDenied
from django.db.models.base import ModelBase
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path

# app_label.model_name of the models the admin never shows (registered by Django and allauth).
HIDDEN_MODELS = frozenset(
    {"auth.group", "account.emailaddress", "account.emailconfirmation", "mfa.authenticator"}
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse, never add, change or delete (whoever asks)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PortalAdminSite(admin.AdminSite):
    site_header = "Visma.net ISV portal: administration"
    site_title = "ISV portal admin"
    index_title = "Administration (read-only)"

    def register(self, model_or_iterable, admin_class=None, **options):
        models = (
            [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else model_or_iterable
        )
        base = admin_class or admin.ModelAdmin
        read_only = type(f"ReadOnly{base.__name__}", (ReadOnlyAdmin, base), {})
        for model in models:
            if model._meta.label_lower not in HIDDEN_MODELS:
                super().register(model, read_only, **options)

    def login(self, request, extra_context=None):
        return secure_admin_login(super().login)(request, extra_context)

    def password_change(self, request, extra_context=None):
        # One way to change a password: the portal's own page.
        return redirect("account_change_password")

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied("The admin is for portal admins only.")
            return inner(request, *args, **kwargs)

        return guarded

    def get_urls(self):
        urls = super().get_urls()
        for index, pattern in enumerate(urls):
            if getattr(pattern, "name", None) == "view_on_site":
                urls[index] = path(
                    "r/<int:content_type_id>/<path:object_id>/",
                    self.admin_view(self.view_on_site),
                    name="view_on_site",
                )
        return urls

    def view_on_site(self, request, content_type_id, object_id):
        """Django's "view on site" redirect, for the models this admin shows only (others, such
        as the table-less permission holder, are 404, not a database error)."""
        content_type = ContentType.objects.filter(pk=content_type_id).first()
        model = content_type.model_class() if content_type else None
        if model is None or not self.is_registered(model):
            raise Http404("Nothing to show here.")
        return shortcut(request, content_type_id, object_id)
