"""Reads of the portal app."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from . import audit_words
from .models import AuditEvent, User


def audit_events(
    *,
    q: str = "",
    action: str = "",
    target_type: str = "",
    actor: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    if q:
        events = events.filter(
            Q(target_label__icontains=q)
            | Q(target_id=q)
            | Q(action__icontains=q)
            | Q(action__in=audit_words.codes_described_by(q))
            | Q(actor_label__icontains=q)
        )
    if action:
        events = events.filter(action=action)
    if target_type:
        events = events.filter(target_type=target_type)
    if actor:
        events = events.filter(actor_label__icontains=actor)
    tz = timezone.get_current_timezone()
    if since:
        events = events.filter(occurred_at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=tz))
    if until:
        events = events.filter(
            occurred_at__lt=dt.datetime.combine(
                until + dt.timedelta(days=1), dt.time.min, tzinfo=tz
            )
        )
    return events


def staff_users() -> QuerySet[User]:
    return User.objects.prefetch_related("groups").order_by("-is_active", "email")
