"""Template helpers every page shares."""

from __future__ import annotations

import re
from datetime import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils.html import conditional_escape, format_html, format_html_join

from portal import audit_words, htmx, pk_urls, times

register = template.Library()


@register.simple_tag
def pk_url(name: str, pk: int) -> str:
    """``{% pk_url "tenants:detail" tenant.pk %}``: ``{% url %}`` for the rows of a long page, at
    the cost of one reverse per URL name (``portal/pk_urls.py``)."""
    return pk_urls.pk_url(name, pk)


@register.filter
def filters_in_use(form) -> bool:
    """``{% if form|filters_in_use %}``: the list is narrowed (``portal.htmx.filters_in_use``)."""
    return form is not None and htmx.filters_in_use(form)


@register.filter(is_safe=True)
def when(moment: datetime | None, style: str = "datetime"):
    """``{{ moment|when }}``: the one way a time is shown (see ``portal/times.py``).

    Styles: datetime (default), seconds, date, time, clock, and ago ("5 minutes ago", with the
    full time on hover). Nothing for an empty value."""
    if not moment:
        return ""
    if style == "ago":
        visible = naturaltime(moment)
        hover = f"{times.shown(moment, 'seconds')} ({times.in_utc(moment)})"
    else:
        visible = times.shown(moment, style)
        hover = times.in_utc(moment)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>', times.iso_utc(moment), hover, visible
    )


@register.filter
def audit_action(code: str) -> str:
    """``{{ event.action|audit_action }}``: "Staff member invited" for ``user.invited``."""
    return audit_words.action_in_words(code)


@register.filter
def audit_target_type(target_type: str) -> str:
    return audit_words.target_type_in_words(target_type)


@register.filter
def audit_details(details) -> list[tuple[str, str]]:
    """An event's details as (label, shown value) pairs: keys in words, times in the viewer's
    zone, lists as lists."""
    if not isinstance(details, dict):
        return [("Details", str(details))] if details else []
    return [(audit_words.detail_key_in_words(key), _detail_value(v)) for key, v in details.items()]


def _detail_value(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None or value == "":
        return "(none)"
    if isinstance(value, list | tuple):
        return format_html_join(", ", "{}", ((_detail_value(item),) for item in value)) or "(none)"
    if isinstance(value, dict):
        return format_html_join(
            "; ", "{}: {}", ((str(k), _detail_value(v)) for k, v in value.items())
        )
    if isinstance(value, str) and _looks_like_a_time(value):
        return when(datetime.fromisoformat(value), "seconds")
    if isinstance(value, str) and _SNAKE_CASE.fullmatch(value):
        return value.replace("_", " ")  # a code such as near_limit or client_secret
    return conditional_escape(str(value))


_SNAKE_CASE = re.compile(r"[a-z]+(?:_[a-z0-9]+)+")


def _looks_like_a_time(text: str) -> bool:
    # Only full timestamps with a zone: a bare number or date stays as written.
    if len(text) < 20 or "T" not in text:
        return False
    try:
        return datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False
