"""The dashboard panel: how many tenants are checked and how many have a problem."""

from __future__ import annotations

from portal.roles import VIEW

from . import selectors


def health_panel(request):
    if not request.user.has_perm(VIEW):
        return None
    return "tenants/_dashboard_panel.html", selectors.dashboard_summary()
