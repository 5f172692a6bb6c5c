"""What an ERP event about a sales order or a customer refreshes for the order pages.

The event intake already drops the form's cached customers and items (``operations.events``,
``LOOKUP_KINDS``); what only the order pages know is here: a customer's delivery locations, and
the order types' numbering, which a new order moves on. An order's own page reads the ERP at
every visit, so a changed order needs nothing more.
"""

from __future__ import annotations

from tenants.models import Tenant

from .. import lookups
from ..refresh import Kind, refresher


@refresher(Kind.SALES_ORDER)
def sales_order_changed(tenant: Tenant, document_id: str) -> None:
    lookups.forget(tenant, lookups.ORDER_TYPES)


@refresher(Kind.CUSTOMER)
def customer_changed(tenant: Tenant, document_id: str) -> None:
    lookups.forget(tenant, lookups.LOCATIONS)
