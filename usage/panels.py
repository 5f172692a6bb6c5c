"""The usage panel on the portal's home dashboard."""

from __future__ import annotations

from django.http import HttpRequest

from portal.roles import VIEW

from . import overview


def dashboard_panel(request: HttpRequest) -> tuple[str, dict] | None:
    if not request.user.has_perm(VIEW):
        return None
    rows = overview.company_rows(overview.Filters())
    summary = overview.summary(rows)
    busiest = overview.narrow(rows, overview.Filters(sort="usage"))[:5]
    return "usage/_panel.html", {"usage_summary": summary, "usage_busiest": busiest}
