from __future__ import annotations

from django import template

from usage import conf
from usage.budget import BudgetState

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    return "" if share is None else f"{round(share * 100)} %"


@register.filter
def hourly_limit(client_type: str) -> str:
    return f"{conf.hourly_limit_for(client_type):,}"


@register.inclusion_tag("usage/_bar.html")
def usage_bar(budget: BudgetState) -> dict:
    # <meter> colours itself: green below the alert share, amber above it, red near the limit.
    return {
        "budget": budget,
        "low": round(budget.limit * conf.get("USAGE_ALERT_SHARE")),
        "high": round(budget.limit * 0.95),
    }
