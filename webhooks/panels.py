"""The dashboard panel: an open silence alarm of the inbox, if any."""

from __future__ import annotations

from portal.roles import VIEW

from .selectors import open_silence_alarms


def silence_panel(request):
    if not request.user.has_perm(VIEW):
        return None
    alarms = open_silence_alarms()
    if not alarms:
        return None
    return "webhooks/_silence_panel.html", {"silence_alarms": alarms}
