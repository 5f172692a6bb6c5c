"""SalesOrders v3 customers and inventory (CustomerDto, InventoryItemAvailabilityDto).

Both read the calling company's own records (``Company.master``).
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Any

from erpsim.call import Call
from erpsim.financials.common import parse_moment
from erpsim.replies import Reply, json_reply
from erpsim.salesorders.common import bad_request, moment_arg, not_found, paged
from erpsim.world import COUNTRY_CURRENCY, DEMO_WAREHOUSES

if TYPE_CHECKING:
    from erpsim.app import SandboxApp
    from erpsim.state import Company

INVENTORY_EXPANSIONS = ("None", "Location", "Attribute", "All")
# A sandbox attribute that shows an item's default replenishment source (IN204500).
PO_SOURCE_ATTRIBUTE = "DEFAULTPOSOURCE"


def customer_currency(customer: dict[str, Any]) -> str:
    return COUNTRY_CURRENCY[customer["country"]]


def location_of(customer: dict[str, Any], location_id: str | None) -> dict[str, Any] | None:
    """The customer's location by id (case-insensitive), or the default (first) one for None."""
    if not location_id:
        return customer["locations"][0]
    wanted = location_id.upper()
    return next((loc for loc in customer["locations"] if loc["id"] == wanted), None)


def location_dto(customer: dict[str, Any], location: dict[str, Any]) -> dict[str, Any]:
    """``CustomerLocationDto``: the short form an order and a customer carry."""
    position = customer["locations"].index(location)
    return {
        "id": location["id"],
        "internalId": int(customer["id"]) * 10 + 1 + position,
        "name": location["name"],
        "countryId": customer["country"],
        "warehouseId": "MAIN",
    }


def customer_dto(customer: dict[str, Any]) -> dict[str, Any]:
    default = customer["locations"][0]
    return {
        "id": customer["id"],
        "internalId": int(customer["id"]),
        "name": customer["name"],
        "addressLine1": default["line1"],
        "postalCode": default["postal_code"],
        "country": customer["country"],
        "currencyId": customer_currency(customer),
        "customerClassId": "DOMESTIC",
        "status": customer["status"],
        "defaultLocation": location_dto(customer, default),
    }


def list_customers(call: Call, app: SandboxApp) -> Reply:
    assert call.company is not None
    text = (call.arg("filter") or "").strip().lower()
    with app.sandbox.lock:
        found = [
            customer_dto(c)
            for c in call.company.master.customers.values()
            if not text or text in c["id"].lower() or text in c["name"].lower()
        ]
    page, extra = paged(call, found, default_size=100, max_size=1000)
    return json_reply(200, {"value": page, **extra})


def customer_locations(call: Call, app: SandboxApp) -> Reply:
    assert call.company is not None
    with app.sandbox.lock:
        customer = call.company.master.customer(call.params["customerId"])
        if customer is None:
            raise not_found(f"Customer '{call.params['customerId']}' was not found.")
        value = [_location_item(customer, location) for location in customer["locations"]]
    return json_reply(200, value)


def _location_item(customer: dict[str, Any], location: dict[str, Any]) -> dict[str, Any]:
    """``CustomerLocationItemDto``: a delivery location with its address and contact."""
    item = location_dto(customer, location)
    item.update(
        {
            "address": {
                "id": item["internalId"],
                "line1": location["line1"],
                "postalCode": location["postal_code"],
                "city": location["city"],
                "country": {"id": customer["country"], "name": customer["country"]},
                "overridesDefault": False,
            },
            "contact": {
                "id": item["internalId"],
                "name": customer["name"],
                "overridesDefault": False,
            },
            "insurance": False,
            "residentialDelivery": False,
            "resedentialDelivery": False,
            "saturdayDelivery": False,
        }
    )
    return item


def list_inventory(call: Call, app: SandboxApp) -> Reply:
    assert call.company is not None
    expansions = set()
    for raw in call.args("expand"):
        for value in raw.split(","):
            match = next(
                (e for e in INVENTORY_EXPANSIONS if e.lower() == value.strip().lower()), None
            )
            if match is None:
                raise bad_request(f"The value '{value}' is not valid for expand.")
            expansions.add(match)
    with_locations = bool(expansions & {"Location", "All"})
    with_attributes = bool(expansions & {"Attribute", "All"})
    wanted_items = {v.upper() for raw in call.args("inventoryId") for v in raw.split(",") if v}
    wanted_warehouses = {v.upper() for raw in call.args("warehouseId") for v in raw.split(",") if v}
    modified_since = moment_arg(call, "modifiedSince")
    filters = _attribute_filters(call)
    items = []
    with app.sandbox.lock:
        for item in call.company.master.items.values():
            if wanted_items and item["inventory_id"] not in wanted_items:
                continue
            attributes = item_attributes(item)
            if any(attributes.get(name) != value for name, value in filters):
                continue
            if modified_since is not None and parse_moment(item["_modified"]) < modified_since:
                continue
            items.append((item, attributes))
        page, extra = paged(call, items, default_size=10_000, max_size=10_000)
        value = [
            _availability(
                call.company,
                item,
                attributes,
                wanted_warehouses,
                with_locations,
                with_attributes,
            )
            for item, attributes in page
        ]
    return json_reply(200, {"value": value, **extra})


def item_attributes(item: dict[str, Any]) -> dict[str, str]:
    return {PO_SOURCE_ATTRIBUTE: item["default_po_source"] or ""}


def _attribute_filters(call: Call) -> list[tuple[str, str]]:
    filters = []
    for raw in call.args("attributeFilter"):
        name, sep, value = raw.partition(":")
        if not sep or not name:
            raise bad_request(f"attributeFilter '{raw}' must be attribute-id:attribute-value.")
        filters.append((name.upper(), value))
    return filters


def quantity_on_hand(company_id: int, item: dict[str, Any], warehouse_id: str) -> float:
    """A stable, seed-free stock figure per company, item and warehouse (non-stock items: 0)."""
    if not item["stock_item"]:
        return 0.0
    return float(zlib.crc32(f"{company_id}-{item['inventory_id']}-{warehouse_id}".encode()) % 120)


def _availability(
    company: Company,
    item: dict[str, Any],
    attributes: dict[str, str],
    wanted_warehouses: set[str],
    with_locations: bool,
    with_attributes: bool,
) -> dict[str, Any]:
    warehouses = []
    for position, (warehouse_id, description) in enumerate(DEMO_WAREHOUSES):
        if wanted_warehouses and warehouse_id not in wanted_warehouses:
            continue
        on_hand = quantity_on_hand(company.company_id, item, warehouse_id)
        entry: dict[str, Any] = {
            "warehouseId": warehouse_id,
            "internalWarehouseId": position + 1,
            "description": description,
            "lastModified": item["_modified"],
            "quantityOnHand": on_hand,
            "quantityAvailable": on_hand,
            "quantityAvailableForShipment": on_hand,
            "quantityNotAvailable": 0.0,
            "quantityPurchaseOrders": 0.0,
            "estimatedUnitCost": item["cost"],
            "estimatedTotalCost": round(item["cost"] * on_hand, 2),
        }
        if with_locations:
            entry["locations"] = [
                {
                    "locationId": "R1",
                    "internalLocationId": position * 10 + 1,
                    "description": "Reol 1",
                    "lastModified": item["_modified"],
                    "quantityOnHand": on_hand,
                    "quantityAvailable": on_hand,
                    "quantityAvailableForShipment": on_hand,
                    "quantityNotAvailable": 0.0,
                    "quantityPurchaseOrders": 0.0,
                }
            ]
        warehouses.append(entry)
    dto: dict[str, Any] = {
        "inventoryId": item["inventory_id"],
        "internalId": item["_internal_id"],
        "description": item["description"],
        "baseUnit": item["base_unit"],
        "availability": warehouses,
    }
    if with_attributes:
        dto["attributes"] = attributes
    return dto
