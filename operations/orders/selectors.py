"""Reads of sales orders: the portal's own (per tenant and across), the order as the ERP now has
it, and the company's orders in the ERP, a page at a time (v3 counts pages from 0)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.conf import settings
from django.db.models import Q, QuerySet

from erpclient import errors
from erpclient.models.sales_orders import SalesOrder, SalesOrderLine, SalesOrderSummary
from tenants.models import Tenant

from .. import list_reads
from ..erp import Cost, StaffClient
from ..refresh import Kind
from .models import PortalOrder

ERP_PAGE_SIZE = 25
EXPAND = ("Customer",)


def portal_orders(
    *,
    tenant: Tenant | None = None,
    query: str = "",
    outcome: str = "",
    order_type: str = "",
) -> QuerySet[PortalOrder]:
    orders = PortalOrder.objects.select_related("tenant", "created_by")
    if tenant is not None:
        orders = orders.filter(tenant=tenant)
    if outcome:
        orders = orders.filter(outcome=outcome)
    if order_type:
        orders = orders.filter(order_type=order_type)
    query = query.strip()
    if query:
        orders = orders.filter(
            Q(erp_order_id__icontains=query)
            | Q(own_number__icontains=query)
            | Q(customer_id__icontains=query)
            | Q(customer_name__icontains=query)
            | Q(tenant__name__icontains=query)
            | Q(tenant__erp_company_name__icontains=query)
            | Q(created_by__email__icontains=query)
        )
    return orders.order_by("-created_at", "-pk")


@dataclass(frozen=True, slots=True)
class ErpOrder:
    order: SalesOrder | None
    lines: tuple[SalesOrderLine, ...]
    error: errors.ErpError | None
    cost: Cost


def erp_order(tenant: Tenant, order_type: str, order_id: str) -> ErpOrder:
    """The order and its lines as the ERP has them now (two calls)."""
    with StaffClient(tenant) as erp:
        try:
            order = erp.client.sales_orders.get(order_type, order_id, expand=EXPAND)
            lines = tuple(erp.client.sales_orders.lines(order_type, order_id).items)
            return ErpOrder(order, lines, None, erp.cost())
        except errors.ErpError as error:
            return ErpOrder(None, (), error, erp.cost())


@dataclass(frozen=True, slots=True)
class ErpOrderPage:
    rows: tuple[SalesOrderSummary, ...]
    page_number: int
    has_next: bool
    total: int | None
    error: errors.ErpError | None
    cost: Cost | None
    # Shown from the portal's copy of a read moments ago (operations/list_reads.py), kept this
    # many seconds at most: no ERP call. 0: read from the ERP for this page.
    copy_seconds: int = 0


def erp_orders(
    tenant: Tenant,
    *,
    page_number: int = 1,
    status: str | None = None,
    customer_id: str | None = None,
    modified_since: datetime | None = None,
) -> ErpOrderPage:
    """One page of the company's orders in the ERP, newest change first; the portal's copy
    if it read the same page moments ago."""
    asked = {
        "page": page_number,
        "status": status,
        "customer": customer_id,
        "since": modified_since,
    }
    key, kept = list_reads.kept(tenant.pk, Kind.SALES_ORDER, asked)
    if kept is not None:
        return replace(kept, cost=None, copy_seconds=settings.OPERATIONS_DOCUMENT_READ_SECONDS)
    read = _erp_orders(tenant, page_number, status, customer_id, modified_since)
    if read.error is None:
        list_reads.keep(key, read)
    return read


def _erp_orders(
    tenant: Tenant,
    page_number: int,
    status: str | None,
    customer_id: str | None,
    modified_since: datetime | None,
) -> ErpOrderPage:
    with StaffClient(tenant) as erp:
        try:
            page = erp.client.sales_orders.page(
                page_number=page_number,
                page_size=ERP_PAGE_SIZE,
                status=status or None,
                customer_id=customer_id or None,
                modified_since=modified_since,
                order_by="lastModified desc",
            )
            return ErpOrderPage(
                tuple(page.items), page_number, page.has_next, page.total_count, None, erp.cost()
            )
        except errors.ErpError as error:
            return ErpOrderPage((), page_number, False, None, error, erp.cost())
