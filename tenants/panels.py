"""The dashboard panel: how many tenants are checked and how many have a problem."""

from __future__ import annotations

from django.conf import settings

from portal.roles import VIEW

from . import selectors
from .demo import left_to_onboard


def health_panel(request):
    if not request.user.has_perm(VIEW):
        return None
    context = selectors.dashboard_summary()
    # Against the sandbox, name the demo tenants a newcomer can onboard right now.
    context["try_onboarding"] = left_to_onboard() if settings.PORTAL_SANDBOX else []
    return "tenants/_dashboard_panel.html", context
