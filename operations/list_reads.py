"""A page of an ERP list, kept a few seconds so paging back and forth costs no ERP call.

The client library refuses to send the same request more than a few times a minute (the ERP
punishes repeats, erpclient/repeat_guard.py): without a copy, staff paging between two pages, or
a few colleagues on the same list, would see "Not sent" for a minute. A page is kept
``OPERATIONS_DOCUMENT_READ_SECONDS`` under what was asked (filters and page number), and every
kept page of a kind's lists goes as soon as the portal learns that one document of that kind
changed (``lists_changed``: an ERP event, a job, a write the portal sent). That is done by moving
the tenant's list generation on, since a cache key cannot be deleted by prefix on every backend.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

PREFIX = "operations:list-read:"


def _generation_key(tenant_pk: int, kind: str) -> str:
    return f"{PREFIX}{tenant_pk}:{kind}:generation"


def generation(tenant_pk: int, name: str) -> int:
    """How often the tenant's copies named ``name`` were dropped (``move_on``); a key that
    carries it is never found again once it moves on. Raises if the cache is down."""
    return cache.get(_generation_key(tenant_pk, name), 0)


def _page_key(tenant_pk: int, kind: str, asked: dict[str, Any]) -> str:
    generation_now = generation(tenant_pk, kind)
    digest = hashlib.blake2b(
        json.dumps(asked, sort_keys=True, default=str).encode(), digest_size=12
    ).hexdigest()
    return f"{PREFIX}{tenant_pk}:{kind}:{generation_now}:{digest}"


def kept(tenant_pk: int, kind: str, asked: dict[str, Any]) -> tuple[str | None, Any]:
    """(the key to keep a fresh read under, the page kept for ``asked`` or None). The key is
    None when the cache is down: read the ERP and keep nothing."""
    try:
        key = _page_key(tenant_pk, str(kind), asked)
        return key, cache.get(key)
    except Exception:
        logger.warning("The kept pages of %s could not be looked up", kind)
        return None, None


def keep(key: str | None, page: Any) -> None:
    """Keep a page read from the ERP (picklable, without the client that read it)."""
    if key is None:
        return
    try:
        cache.set(key, page, settings.OPERATIONS_DOCUMENT_READ_SECONDS)
    except Exception:  # the next view reads the ERP again
        logger.warning("A page of an ERP list could not be kept")


def lists_changed(tenant_pk: int, kind: str) -> None:
    """A document of ``kind`` changed: no kept page of its lists is shown again."""
    move_on(tenant_pk, str(kind))


def move_on(tenant_pk: int, name: str) -> None:
    """Drop every copy of the tenant kept under a key that carries ``generation(name)``."""
    key = _generation_key(tenant_pk, name)
    try:
        try:
            cache.incr(key)
        except ValueError:  # no page kept since the cache started: any new value drops them
            cache.add(key, 1, None)  # kept for good: the pages' keys carry it
    except Exception:  # the kept pages expire after OPERATIONS_DOCUMENT_READ_SECONDS
        logger.warning("The kept copies of %s could not be dropped", name)
