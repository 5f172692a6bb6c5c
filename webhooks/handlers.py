"""Who handles a verified delivery: apps register a handler per (source, event type).

The inbox knows no document (DESIGN.md §2). It stores, verifies and dedupes; then it hands each
verified delivery, as an `Event`, to the handler an app registered for its source and event type,
in a Celery task. Apps register in their AppConfig.ready() so that the import contract holds
(webhooks imports no app; apps import webhooks):

    from webhooks.handlers import register, Source

    @register(Source.VISMA, "BACKGROUND_API_RESPONSE")
    def on_background_response(event):
        ...

A handler returns a short outcome for the inbox ("job 12 finished") or raises; a raise marks the
delivery failed, with its traceback, and an admin can process it again. Raising `Ignore("why")`
instead marks it ignored (nothing to do, e.g. a tenant the portal does not serve): not a failure.
Handlers must be idempotent: the same event may reach them twice (a reprocess).

Event types per source: `Source.VISMA`, the dispatcher's `x-vwd-event-id` (e.g.
`BACKGROUND_API_RESPONSE`, `apinvoice_statuschanged`, `SALESORDER_UPDATED`; operations handles
every one nobody registered more specifically); `Source.BACKGROUND_URL`, always
`"background_response"`; `Source.STATUSPAGE`, `"incident"`, `"maintenance"` or
`"component_update"`. `Event.headers` carries the delivery's headers in lower case, so the
`subscription:name=value` pairs of a Background API call are there (use hyphens in the names:
WSGI servers drop header names with underscores).

`Event.verified` says how far the inbox could trust the delivery: True for a valid signature or
URL token; None for a legacy Background URL callback, which nothing signs, so its handler must
confirm it with a GET of the state before acting on it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


class Source(enum.StrEnum):
    VISMA = "visma"  # the Visma Webhook Dispatcher (ERP publishers, BACKGROUND_API_RESPONSE)
    BACKGROUND_URL = "background_url"  # legacy Background API URL callbacks (unsigned)
    STATUSPAGE = "statuspage"  # status.visma.com (unsigned; secret URL token)


@dataclass(frozen=True, slots=True)
class Event:
    delivery_id: int
    source: Source
    event_type: str
    # The ERP tenant id the delivery names (x-vwd-tenant-id), if any; the handler maps it.
    erp_tenant_id: str
    notification_id: str
    # Header names in lower case, secrets already redacted.
    headers: Mapping[str, str]
    payload: Any
    verified: bool | None = True


class Ignore(Exception):
    """Raised by a handler: nothing to do for this delivery; the message says why."""


Handler = Callable[[Event], "str | None"]

_HANDLERS: dict[tuple[Source, str], Handler] = {}
ANY_EVENT = "*"


def register(source: Source, event_type: str = ANY_EVENT) -> Callable[[Handler], Handler]:
    """Register `handler` for one source and event type (ANY_EVENT: the source's fallback)."""

    def decorator(handler: Handler) -> Handler:
        key = (Source(source), event_type)
        if key in _HANDLERS and _HANDLERS[key] is not handler:
            raise RuntimeError(f"A handler is already registered for {key}.")
        _HANDLERS[key] = handler
        return handler

    return decorator


def handler_for(source: Source, event_type: str) -> Handler | None:
    """The handler for this event, else the source's fallback, else None (stored as unhandled)."""
    return _HANDLERS.get((Source(source), event_type)) or _HANDLERS.get((Source(source), ANY_EVENT))
