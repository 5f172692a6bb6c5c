"""What an ERP event about a sales order or a customer refreshes for the order pages.

The event intake already drops the form's cached customers and items (``operations.events``,
``LOOKUP_KINDS``); what only the order pages know is here: a customer's delivery locations, and
the order types' numbering, which a new order moves on, and the kept pages of the ERP's orders
list (operations/list_reads.py). An order's own page reads the ERP at every visit.
"""

from __future__ import annotations

from tenants.models import Tenant

from .. import list_reads, lookups
from ..refresh import Kind, refresher


@refresher(Kind.SALES_ORDER)
def sales_order_changed(tenant: Tenant, document_id: str) -> None:
    lookups.forget(tenant, lookups.ORDER_TYPES)
    list_reads.lists_changed(tenant.pk, Kind.SALES_ORDER)  # the ERP's orders list shows it


@refresher(Kind.CUSTOMER)
def customer_changed(tenant: Tenant, document_id: str) -> None:
    lookups.forget(tenant, lookups.LOCATIONS)
