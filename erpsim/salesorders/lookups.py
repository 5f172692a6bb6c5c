"""SalesOrders v3 customers and inventory (CustomerDto, InventoryItemAvailabilityDto)."""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Any

from erpsim.call import Call
from erpsim.demo_documents import BASE_DATE, iso
from erpsim.replies import Reply, json_reply
from erpsim.salesorders.common import bad_request, moment_arg, not_found, paged
from erpsim.world import COUNTRY_CURRENCY, DEMO_CUSTOMERS, DEMO_INVENTORY, DEMO_WAREHOUSES

if TYPE_CHECKING:
    from erpsim.app import SandboxApp

INVENTORY_EXPANSIONS = ("None", "Location", "Attribute", "All")
# A sandbox attribute that shows an item's default replenishment source (IN204500).
PO_SOURCE_ATTRIBUTE = "DEFAULTPOSOURCE"


def customer_record(customer_id: str) -> tuple[str, str, str, str] | None:
    return next((c for c in DEMO_CUSTOMERS if c[0] == customer_id), None)


def item_record(inventory_id: str) -> dict[str, Any] | None:
    wanted = inventory_id.upper()
    return next((i for i in DEMO_INVENTORY if i["inventory_id"] == wanted), None)


def customer_location(customer_id: str, country: str) -> dict[str, Any]:
    return {
        "id": "MAIN",
        "internalId": int(customer_id) * 10 + 1,
        "name": "Primary location",
        "countryId": country,
        "warehouseId": "MAIN",
    }


def customer_dto(record: tuple[str, str, str, str]) -> dict[str, Any]:
    customer_id, name, country, status = record
    return {
        "id": customer_id,
        "internalId": int(customer_id),
        "name": name,
        "addressLine1": "Sentrum 1",
        "postalCode": "0150",
        "country": country,
        "currencyId": COUNTRY_CURRENCY[country],
        "customerClassId": "DOMESTIC",
        "status": status,
        "defaultLocation": customer_location(customer_id, country),
    }


def list_customers(call: Call, app: SandboxApp) -> Reply:
    text = (call.arg("filter") or "").strip().lower()
    found = [c for c in DEMO_CUSTOMERS if not text or text in c[0].lower() or text in c[1].lower()]
    page, extra = paged(call, found, default_size=100, max_size=1000)
    return json_reply(200, {"value": [customer_dto(c) for c in page], **extra})


def customer_locations(call: Call, app: SandboxApp) -> Reply:
    record = customer_record(call.params["customerId"])
    if record is None:
        raise not_found(f"Customer '{call.params['customerId']}' was not found.")
    location = customer_location(record[0], record[2])
    location.update(
        {
            "address": {
                "id": location["internalId"],
                "line1": "Sentrum 1",
                "postalCode": "0150",
                "city": "Oslo",
                "country": {"id": record[2], "name": record[2]},
                "overridesDefault": False,
            },
            "contact": {"id": location["internalId"], "name": record[1], "overridesDefault": False},
            "insurance": False,
            "residentialDelivery": False,
            "resedentialDelivery": False,
            "saturdayDelivery": False,
        }
    )
    return json_reply(200, [location])


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
    for item in DEMO_INVENTORY:
        if wanted_items and item["inventory_id"] not in wanted_items:
            continue
        attributes = {PO_SOURCE_ATTRIBUTE: item["default_po_source"] or ""}
        if any(attributes.get(name) != value for name, value in filters):
            continue
        if modified_since is not None and modified_since > BASE_DATE:
            continue
        items.append((item, attributes))
    page, extra = paged(call, items, default_size=10_000, max_size=10_000)
    value = [
        _availability(
            call.company.company_id,
            item,
            attributes,
            wanted_warehouses,
            with_locations,
            with_attributes,
        )
        for item, attributes in page
    ]
    return json_reply(200, {"value": value, **extra})


def _attribute_filters(call: Call) -> list[tuple[str, str]]:
    filters = []
    for raw in call.args("attributeFilter"):
        name, sep, value = raw.partition(":")
        if not sep or not name:
            raise bad_request(f"attributeFilter '{raw}' must be attribute-id:attribute-value.")
        filters.append((name.upper(), value))
    return filters


def _availability(
    company_id: int,
    item: dict[str, Any],
    attributes: dict[str, str],
    wanted_warehouses: set[str],
    with_locations: bool,
    with_attributes: bool,
) -> dict[str, Any]:
    index = DEMO_INVENTORY.index(item)
    warehouses = []
    for position, (warehouse_id, description) in enumerate(DEMO_WAREHOUSES):
        if wanted_warehouses and warehouse_id not in wanted_warehouses:
            continue
        on_hand = float(
            zlib.crc32(f"{company_id}-{item['inventory_id']}-{warehouse_id}".encode()) % 120
        )
        if not item["stock_item"]:
            on_hand = 0.0
        entry: dict[str, Any] = {
            "warehouseId": warehouse_id,
            "internalWarehouseId": position + 1,
            "description": description,
            "lastModified": iso(BASE_DATE),
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
                    "lastModified": iso(BASE_DATE),
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
        "internalId": 100 + index,
        "description": item["description"],
        "baseUnit": item["base_unit"],
        "availability": warehouses,
    }
    if with_attributes:
        dto["attributes"] = attributes
    return dto
