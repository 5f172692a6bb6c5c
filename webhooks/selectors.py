"""Reads of the inbox: the filtered list, one delivery as staff may see it."""

from __future__ import annotations

import json
import re
from typing import Any

from django.db.models import QuerySet

from .models import InboundDelivery, SigningKey, SilenceAlarm, StatuspageToken, Subscription
from .verification import MASK

# Body fields whose values are masked on the page (the stored body stays exact, for the
# signature and for reprocessing).
_SECRET_FIELD = re.compile(r"secret|password|passwd|token|api[_-]?key|credential|signature", re.I)
SHOWN_BODY_BYTES = 64 * 1024


def inbox(*, source: str = "", status: str = "", tenant: str = "", event: str = "") -> QuerySet:
    rows = InboundDelivery.objects.defer("body", "traceback", "headers")
    if source:
        rows = rows.filter(source=source)
    if status:
        rows = rows.filter(status=status)
    if tenant:
        rows = rows.filter(erp_tenant_id__iexact=tenant.strip())
    if event:
        rows = rows.filter(event_type__icontains=event.strip())
    return rows


def shown_body(delivery: InboundDelivery) -> str:
    """The body as text for the page: JSON pretty-printed with secret-looking fields masked,
    anything else decoded as far as it goes."""
    raw = bytes(delivery.body)[:SHOWN_BODY_BYTES]
    try:
        return json.dumps(_masked(json.loads(raw)), indent=2, ensure_ascii=False)
    except (UnicodeDecodeError, ValueError):
        return raw.decode("utf-8", errors="replace")


def _masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: MASK if _SECRET_FIELD.search(str(key)) else _masked(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


def verification_settings() -> dict[str, Any]:
    return {
        "subscriptions": Subscription.objects.prefetch_related("keys"),
        "keys": SigningKey.objects.select_related("subscription"),
        "tokens": StatuspageToken.objects.all(),
    }


def open_silence_alarms() -> list[SilenceAlarm]:
    return list(SilenceAlarm.objects.filter(resolved_at__isnull=True))
