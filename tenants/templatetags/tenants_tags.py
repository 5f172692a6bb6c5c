"""Small template helpers for the tenants pages."""

from __future__ import annotations

from django import template

register = template.Library()

_STATUS_BADGES = {
    "onboarding": "badge-info",
    "active": "badge-ok",
    "suspended": "badge-warn",
    "offboarded": "",
    "passed": "badge-ok",
    "failed": "badge-bad",
    "deferred": "badge-warn",
    "running": "badge-info",
    "open": "badge-bad",
    "muted": "",
    "resolved": "badge-ok",
}
_STEP_ICONS = {"passed": "✓", "failed": "✗", "skipped": "-", "running": "…", "pending": "·"}


@register.filter
def status_badge(value: str) -> str:
    return _STATUS_BADGES.get(str(value), "")


@register.filter
def step_icon(value: str) -> str:
    return _STEP_ICONS.get(str(value), "·")


@register.filter
def lookup(mapping, key):
    """``{{ mapping|lookup:key }}``: a dict item by a variable key."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
