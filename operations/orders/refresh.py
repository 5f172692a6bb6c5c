"""What an ERP event about a sales order, a customer or an item refreshes for the order pages:
the cached lookups the form reads (so the next search asks the ERP again). An order's own page
reads the ERP at every visit, so a changed order needs nothing more."""

from __future__ import annotations

from tenants.models import Tenant

from .. import lookups
from ..refresh import Kind, refresher
from . import erp_lookups


@refresher(Kind.SALES_ORDER)
def sales_order_changed(tenant: Tenant, document_id: str) -> None:
    # A new or changed order moves the numbering series and the order list; nothing of the
    # form's lookups depends on one order, but the order types' numbering is read again.
    lookups.forget(tenant, erp_lookups.ORDER_TYPES)


@refresher(Kind.CUSTOMER)
def customer_changed(tenant: Tenant, document_id: str) -> None:
    lookups.forget(tenant, erp_lookups.CUSTOMERS)
    lookups.forget(tenant, erp_lookups.LOCATIONS)


@refresher(Kind.INVENTORY_ITEM)
def item_changed(tenant: Tenant, document_id: str) -> None:
    lookups.forget(tenant, erp_lookups.ITEMS)
