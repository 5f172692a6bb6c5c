"""Reads of Financials documents, straight from the ERP (every page says what it cost)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from erpclient import BudgetError, ErpError, NotFound
from errorguide import explain
from portal.erp_errors import ShownReading, shown
from tenants.links import error_links
from tenants.models import Tenant

from ..erp import Cost, StaffClient

PAGE_SIZE = 25


@dataclass(frozen=True, slots=True)
class Read:
    """What a page read from the ERP: the result (or the error, in words) and its cost."""

    result: Any
    error: ShownReading | None
    cost: Cost | None
    fetched_at: datetime
    # The page's HTTP status: 200, 404 when the ERP has no such document, else 502.
    status: int = 200
    # Shown from the portal's copy of a read moments ago (read_cache.py), kept this many seconds at
    # most: no ERP call. 0: read from the ERP for this page.
    copy_seconds: int = 0
    # False when the client kept the request back (repeat guard, budget): the ERP was not asked.
    sent: bool = True
    # Why the ERP was not asked again, when the result is the portal's last read instead.
    held_back: ShownReading | None = None


def erp_error(tenant: Tenant, error: ErpError) -> ShownReading:
    return shown(explain(error, company=tenant.display_name), error_links(tenant))


def read_erp(tenant: Tenant, fetch) -> Read:
    """``fetch(client)`` with the staff client; an ERP error comes back in words, never raised."""
    with StaffClient(tenant) as erp:
        try:
            result = fetch(erp.client)
        except ErpError as error:
            status = 404 if isinstance(error, NotFound) else 502
            return Read(
                None,
                erp_error(tenant, error),
                erp.cost(),
                datetime.now(UTC),
                status,
                sent=not isinstance(error, BudgetError),
            )
        return Read(result, None, erp.cost(), datetime.now(UTC))


def page(tenant: Tenant, resource: str, filters: dict[str, Any], page_number: int) -> Read:
    """One page of the list of ``client.<resource>`` (``supplier_invoices``, ...)."""
    return read_erp(
        tenant,
        lambda client: getattr(client, resource).page(
            page_number=page_number, page_size=PAGE_SIZE, **filters
        ),
    )


def document(tenant: Tenant, resource: str, document_type: str, number: str) -> Read:
    return read_erp(tenant, lambda client: getattr(client, resource).get(number, document_type))
