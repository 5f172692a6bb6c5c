"""The usage panel on the portal's home dashboard."""

from __future__ import annotations

from django.http import HttpRequest

from portal.roles import VIEW

from . import overview, snapshots


def dashboard_panel(request: HttpRequest) -> tuple[str, dict] | None:
    if not request.user.has_perm(VIEW):
        return None
    snapshot = snapshots.current(overview.Filters())
    return "usage/_panel.html", {
        "usage_summary": snapshot.summary,
        "usage_busiest": overview.busiest(snapshot.rows, 5),
        "usage_as_of": snapshot.taken_at,
    }
