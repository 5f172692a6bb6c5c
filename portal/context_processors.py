from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from .roles import MANAGE_CREDENTIALS, MANAGE_USERS, OPERATE, VIEW, role_of

# (label, url name, permission). Sections whose app is not installed yet simply don't show.
NAV_SECTIONS = (
    ("Dashboard", "dashboard", VIEW),
    ("Tenants", "tenants:list", VIEW),
    ("Usage", "usage:dashboard", VIEW),
    ("Operations", "operations:index", VIEW),
    ("Webhooks", "webhooks:inbox", VIEW),
    ("Audit", "audit_log", VIEW),
    ("Admin", "staff_list", MANAGE_USERS),
)


def _nav(request, user) -> list[dict]:
    sections = []
    for label, name, permission in NAV_SECTIONS:
        if not user.has_perm(permission):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        active = request.path == url if url == "/" else request.path.startswith(url)
        sections.append({"label": label, "url": url, "active": active})
    return sections


def portal(request) -> dict:
    # A page built from several templates (the dashboard's panels) works this out once.
    known = getattr(request, "_portal_context", None)
    if known is not None:
        return known
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    context = {
        "portal_name": settings.PORTAL_NAME,
        "portal_short_name": settings.PORTAL_SHORT_NAME,
        "portal_sandbox": settings.PORTAL_SANDBOX,
        "current_role": role_of(user) if signed_in else None,
        "nav_sections": _nav(request, user) if signed_in else [],
        "can_operate": signed_in and user.has_perm(OPERATE),
        "can_manage_credentials": signed_in and user.has_perm(MANAGE_CREDENTIALS),
        "can_manage_users": signed_in and user.has_perm(MANAGE_USERS),
        "portal_banners": _banners(request) if signed_in else [],
    }
    request._portal_context = context
    return context


def _banners(request) -> list[dict]:
    """What the apps in PORTAL_BANNERS want on top of every page (an outage at Visma)."""
    banners: list[dict] = []
    for dotted in settings.PORTAL_BANNERS:
        banners.extend(import_string(dotted)(request) or [])
    return banners
