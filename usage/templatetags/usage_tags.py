from __future__ import annotations

from django import template
from django.utils.html import format_html

from usage import conf
from usage.budget import BudgetState

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    return "" if share is None else f"{round(share * 100)} %"


@register.filter
def thousands(count: int | None) -> str:
    """A whole number the way the rest of the portal shows one (humanize's ``intcomma`` in the
    portal's English: "15,000"), without its cost per call: the dashboard shows hundreds."""
    return "" if count is None else f"{count:,}"


@register.filter
def hourly_limit(client_type: str) -> str:
    return thousands(conf.hourly_limit_for(client_type))


# Built here rather than in a template: the dashboard shows a hundred of them per refresh, and a
# template per bar cost more than the rest of the row.
_BAR = (
    '<div class="usage-bar">\n'
    '  <meter min="0" max="{limit}" low="{low}" high="{high}" optimum="0" value="{used}" '
    'aria-label="{used_shown} of {limit_shown} calls used this hour">{used_shown} of {limit_shown}'
    "</meter>\n"
    '  <span class="figures">{used_shown} / {limit_shown}</span>\n'
    "</div>\n"
)


@register.simple_tag
def usage_bar(budget: BudgetState) -> str:
    # <meter> colours itself: green below the alert share, amber above it, red near the limit.
    return format_html(
        _BAR,
        limit=budget.limit,
        used=budget.used,
        used_shown=thousands(budget.used),
        limit_shown=thousands(budget.limit),
        low=round(budget.limit * conf.get("USAGE_ALERT_SHARE")),
        high=round(budget.limit * 0.95),
    )
