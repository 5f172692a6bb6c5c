"""Where each row on a page of the audit log points: the page of its object, if the object's app
names one (PORTAL_AUDIT_TARGET_URLS) and the object still exists.

An audit row outlives what it names (a delivery past its retention, a removed customer); a link
to it would be a 404. The page asks once per kind of object which of its rows' objects are left.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.conf import settings

from . import pk_urls
from .models import AuditEvent


def mark_targets(events: Iterable[AuditEvent]) -> None:
    """Set ``target_url`` (or "") and ``target_gone`` on each event."""
    linkable = []
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        event.target_url, event.target_gone = "", False
        name = settings.PORTAL_AUDIT_TARGET_URLS.get(event.target_type)
        # isdecimal: what int() reads (isdigit also takes "²", which int() refuses).
        if name and event.target_id.isdecimal():
            pk = int(event.target_id)
            linkable.append((event, name, pk))
            wanted[event.target_type].add(pk)
    present = {
        target_type: set(
            apps.get_model(target_type)
            ._default_manager.filter(pk__in=pks)
            .values_list("pk", flat=True)
        )
        for target_type, pks in wanted.items()
    }
    for event, name, pk in linkable:
        if pk in present[event.target_type]:
            event.target_url = pk_urls.pk_url(name, pk)
        else:
            event.target_gone = True
