"""ERP document states in words: the ERP's codes ("ApprovedInApproval") are not for people."""

from __future__ import annotations

from django import template

from ..invoices import rules

register = template.Library()


register.filter("approval_words", rules.approval_words)


@register.filter
def with_hold(status: str | None, hold: bool) -> str:
    """The status, with "on hold" when the hold flag says so and the status does not already."""
    status = status or ""
    if hold and "hold" not in status.lower():
        return f"{status} (on hold)" if status else "On hold"
    return status
