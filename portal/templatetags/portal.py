"""Template helpers every page shares."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils.html import format_html

from portal import htmx, pk_urls, times

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
