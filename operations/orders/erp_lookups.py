"""What the order form reads from the ERP, each answer cached per tenant (``operations.lookups``)
and saying when it was fetched: order types with their numbering, customers, a customer's
delivery locations, and inventory items with their default replenishment source.

v3 Inventory has no text search (only exact ``inventoryId``), so the item type-ahead narrows the
company's first page of items (up to ``ITEM_PAGE``) locally, and an id typed by hand is looked up
exactly. A real company with more items than that finds the rest by id: a documented choice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from erpclient.models.customers import Customer
from erpclient.models.inventory import InventoryItem
from tenants.models import Tenant

from .. import lookups
from ..erp import StaffClient
from ..lookups import CUSTOMERS, ITEMS, LOCATIONS, ORDER_TYPES, SUPPLIERS, Lookup, Row

CUSTOMER_PAGE = 20
ITEM_PAGE = 100
MIN_QUERY = 2
SOURCE_ATTRIBUTE = "DEFAULTPOSOURCE"

SUPPLIER_PAGE = 100


def order_types(tenant: Tenant) -> Lookup:
    """Each active type: ``{"id", "description", "manual"}`` (two ERP calls, then cached)."""

    def fetch() -> tuple[list[Row], bool]:
        with StaffClient(tenant) as erp:
            types = erp.client.order_types.list()
            manual = {
                s.numbering_id: bool(s.manual_numbering)
                for s in erp.client.order_types.number_sequences()
            }
        rows = [
            {
                "id": t.order_type,
                "description": t.description or t.order_type,
                # The type's series carries the type's id (docs/operations.md, "Sales orders").
                "manual": manual.get(t.order_type, False),
            }
            for t in types
            if t.order_type and t.active is not False
        ]
        return rows, True

    return lookups.cached(tenant, ORDER_TYPES, "all", fetch)


def _customer_row(customer: Customer) -> Row:
    location = customer.default_location
    return {
        "id": customer.id,
        "name": customer.name or "",
        "active": (customer.status or "Active") == "Active",
        "currency": customer.currency_id or "",
        "default_location": location.id if location else "",
    }


def _customer_matches(row: Row, query: str) -> bool:
    query = query.casefold()
    return query in str(row["id"]).casefold() or query in str(row["name"]).casefold()


def customers(tenant: Tenant, query: str) -> Lookup:
    """Customers whose id or name holds ``query``; typing forwards reuses a complete answer."""

    def fetch(text: str) -> tuple[list[Row], bool]:
        with StaffClient(tenant) as erp:
            page = erp.client.customers.page(text, page_size=CUSTOMER_PAGE)
        return [_customer_row(c) for c in page.items if c.id], not page.has_next

    return lookups.search(tenant, CUSTOMERS, query, fetch, _customer_matches, min_length=MIN_QUERY)


def customer(tenant: Tenant, customer_id: str) -> Row | None:
    """The customer with exactly this id, or None."""
    customer_id = customer_id.strip()
    if not customer_id:
        return None
    found = customers(tenant, customer_id)
    return next((row for row in found.rows if row["id"] == customer_id), None)


def locations(tenant: Tenant, customer_id: str) -> Lookup:
    """A customer's delivery locations, the default first: ``{"id", "name"}``."""

    def fetch() -> tuple[list[Row], bool]:
        with StaffClient(tenant) as erp:
            found = erp.client.customers.locations(customer_id)
        return [{"id": loc.id, "name": loc.name or loc.id} for loc in found if loc.id], True

    return lookups.cached(tenant, LOCATIONS, customer_id, fetch)


def _item_row(item: InventoryItem) -> Row:
    attributes = item.attributes or {}
    source = attributes.get(SOURCE_ATTRIBUTE) or ""
    return {
        "id": item.inventory_id,
        "description": item.description or "",
        "unit": item.base_unit or "",
        "available": sum(w.quantity_available or 0 for w in item.availability),
        "warehouses": [w.warehouse_id for w in item.availability if w.warehouse_id],
        "source": source if source in ("dropShip", "purchaseToOrder") else "",
        "price": None,
    }


def _fetch_items(tenant: Tenant, ids: Iterable[str] | None = None) -> tuple[list[Row], bool]:
    with StaffClient(tenant) as erp:
        page = erp.client.inventory.page(
            page_size=ITEM_PAGE,
            inventory_id=sorted(ids) if ids is not None else None,
            expand="Attribute",
        )
        prices: dict[str, float] = {}
        if ids is None:
            # v3 Inventory has no price; the Financials list has the default price (one call).
            prices = {
                p.inventory_number: p.default_price
                for p in erp.client.inventory.prices(page_size=ITEM_PAGE).items
                if p.inventory_number and p.default_price is not None
            }
    rows = [_item_row(i) for i in page.items if i.inventory_id]
    for row in rows:
        row["price"] = prices.get(row["id"])
    return rows, not page.has_next


def all_items(tenant: Tenant) -> Lookup:
    return lookups.cached(tenant, ITEMS, "first-page", lambda: _fetch_items(tenant))


def _item_matches(row: Row, query: str) -> bool:
    query = query.casefold()
    return query in str(row["id"]).casefold() or query in str(row["description"]).casefold()


def items(tenant: Tenant, query: str) -> tuple[list[Row], Lookup]:
    """Items whose id or description holds ``query`` (and the answer they came from)."""
    known = all_items(tenant)
    return [row for row in known.rows if _item_matches(row, query)], known


def items_by_id(tenant: Tenant, ids: Iterable[str]) -> dict[str, Row]:
    """The items of ``ids`` the ERP knows (ids it does not know are missing from the answer):
    the cached first page, then at most one exact lookup for the rest."""
    wanted = {i.strip() for i in ids if i and i.strip()}
    known = {row["id"]: row for row in all_items(tenant).rows}
    found = {i: known[i] for i in wanted if i in known}
    missing = sorted(wanted - set(found))
    if missing:
        rows = lookups.cached(
            tenant, ITEMS, "ids:" + "\n".join(missing), lambda: _fetch_items(tenant, missing)
        ).rows
        found.update({row["id"]: row for row in rows if row["id"] in wanted})
    return found


def all_suppliers(tenant: Tenant) -> Lookup:
    """The company's suppliers (first page, one call, cached): ``{"id", "name", "active"}``."""

    def fetch() -> tuple[list[Row], bool]:
        with StaffClient(tenant) as erp:
            page = erp.client.suppliers.page(page_size=SUPPLIER_PAGE)
        rows = [
            {"id": s.number, "name": s.name or "", "active": (s.status or "Active") == "Active"}
            for s in page.items
            if s.number
        ]
        return rows, not page.has_next

    return lookups.cached(tenant, SUPPLIERS, "first-page", fetch)


def suppliers(tenant: Tenant, query: str) -> tuple[list[Row], Lookup]:
    """Suppliers whose number or name holds ``query`` (and the answer they came from)."""
    known = all_suppliers(tenant)
    folded = query.casefold()
    rows = [
        row
        for row in known.rows
        if folded in str(row["id"]).casefold() or folded in str(row["name"]).casefold()
    ]
    return rows, known


def forget_all(tenant: Tenant) -> None:
    for kind in (ORDER_TYPES, CUSTOMERS, LOCATIONS, ITEMS, SUPPLIERS):
        lookups.forget(tenant, kind)


def rows_by_id(lookup: Lookup) -> dict[str, Any]:
    return {row["id"]: row for row in lookup.rows}
