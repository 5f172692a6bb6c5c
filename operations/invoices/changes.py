"""Which supplier invoices changed in the ERP, as the dispatcher's events tell: a marker per
invoice in the cache, set by the refresher below and read by the pages that show the invoice.

The invoice pages read the ERP when they are opened and keep no copy, so the event has nothing
to refresh but this marker. A page watching the invoice asks the portal (never the ERP) whether
the marker moved past the moment it read the invoice, and only then reads the invoice once
(``operations/invoices/live.py``). The marker outlives the longest watch,
``OPERATIONS_INVOICE_WATCH_SECONDS``.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from tenants.models import Tenant

from ..refresh import Kind, refresher

PREFIX = "operations:invoice-changed:"


def _key(tenant_pk: int, document_id: str) -> str:
    # The document id comes from the event: hashed, so any text makes a valid cache key.
    digest = hashlib.blake2b(document_id.encode(), digest_size=12).hexdigest()
    return f"{PREFIX}{tenant_pk}:{digest}"


@refresher(Kind.SUPPLIER_INVOICE)
def invoice_changed(tenant: Tenant, document_id: str) -> None:
    """An ERP event said the invoice changed: note when, for the pages watching it."""
    cache.set(
        _key(tenant.pk, str(document_id)), time.time(), settings.OPERATIONS_INVOICE_WATCH_SECONDS
    )


def changed_at(tenant: Tenant, document_type: str, number: str) -> float | None:
    """When an event last said this invoice changed (epoch seconds), if it did lately. An event
    names ``Invoice/100012``; one naming the number alone counts too."""
    found = cache.get_many([_key(tenant.pk, f"{document_type}/{number}"), _key(tenant.pk, number)])
    return max(found.values(), default=None)
