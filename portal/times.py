"""The one rule for times shown to people: in the portal's zone (``TIME_ZONE``), with the zone
named ("2026-03-02 04:15 CET"); the UTC moment goes into ``<time datetime>`` and the hover text.
Pages use the ``when`` filter (``portal/templatetags/portal.py``); text built in Python (a
budget's reason, a toast) uses ``clock`` or ``stamp`` from here."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone

FORMATS = {
    "datetime": "%Y-%m-%d %H:%M",
    "seconds": "%Y-%m-%d %H:%M:%S",
    "date": "%Y-%m-%d",
    "time": "%H:%M",
    "clock": "%H:%M:%S",
}


def local(moment: datetime) -> datetime:
    """``moment`` in the portal's zone (a naive value is taken as UTC)."""
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return timezone.localtime(moment)


def shown(moment: datetime, style: str = "datetime") -> str:
    """``moment`` as people read it: the portal's zone, named, e.g. "2026-03-02 04:15 CET"."""
    at = local(moment)
    text = at.strftime(FORMATS[style])
    return text if style == "date" else f"{text} {at.strftime('%Z')}"


def in_utc(moment: datetime) -> str:
    """The hover text: the same moment in UTC."""
    return local(moment).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def iso_utc(moment: datetime) -> str:
    return local(moment).astimezone(UTC).isoformat().replace("+00:00", "Z")


def clock(epoch: float) -> str:
    """A Unix time as a wall-clock time with its zone, e.g. "05:00:00 CET"."""
    return shown(datetime.fromtimestamp(epoch, tz=UTC), "clock")


def stamp(moment: datetime) -> str:
    return shown(moment, "datetime")
