"""Reads of the console's history: per tenant (optionally one person's), and a person's own."""

from __future__ import annotations

from django.db.models import QuerySet

from tenants.models import Tenant

from .models import ConsoleCall
from .policy import HISTORY_SIZE


def history(*, tenant: Tenant, user=None) -> QuerySet[ConsoleCall]:
    calls = ConsoleCall.objects.filter(tenant=tenant)
    if user is not None:
        calls = calls.filter(actor=user)
    return calls.order_by("-created_at", "-id")[:HISTORY_SIZE]


def recent_for(user) -> QuerySet[ConsoleCall]:
    """``user``'s own calls across tenants, newest first."""
    return (
        ConsoleCall.objects.filter(actor=user)
        .select_related("tenant")
        .order_by("-created_at", "-id")[:HISTORY_SIZE]
    )
