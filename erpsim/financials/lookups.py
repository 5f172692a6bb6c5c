"""Financials lookups the order form needs (OAS-2025): sales order types and their numbering
series, suppliers, and inventory items with their default price.

SalesOrders v3 has no order-type lookup and its Inventory carries no price, so the form reads
these from the Financials API (see "Choices where the facts say NOT CONFIRMED" in docs/sandbox.md).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from erpsim.call import Call
from erpsim.demo_documents import BASE_DATE, iso
from erpsim.financials.common import (
    bad_request,
    bool_arg,
    date_filter,
    enum_arg,
    failure,
    listed,
    parse_moment,
)
from erpsim.replies import Reply, json_reply
from erpsim.salesorders.lookups import PO_SOURCE_ATTRIBUTE, item_attributes, quantity_on_hand
from erpsim.specs import FINANCIALS, enum
from erpsim.state import Company
from erpsim.versions import timestamp_of
from erpsim.world import COUNTRY_CURRENCY, DEMO_WAREHOUSES, ORDER_TYPES

if TYPE_CHECKING:
    from erpsim.app import SandboxApp

SUPPLIER_STATUSES = enum(FINANCIALS, "SupplierDto", "status")
ITEM_STATUSES = enum(FINANCIALS, "InventoryDto", "status")
COUNTRY_NAMES = {"NO": "Norway", "SE": "Sweden", "DK": "Denmark", "FI": "Finland"}
_ATTRIBUTE_DESCRIPTIONS = {PO_SOURCE_ATTRIBUTE: "Default replenishment source"}


def _modified_filter(call: Call) -> Any:
    condition = date_filter(call, "lastModifiedDateTime")
    if condition is None:
        return lambda modified: True
    compare, moment = condition
    return lambda modified: compare(parse_moment(modified), moment)


# -- sales order types and numbering -----------------------------------------------------------


def order_type_dto(type_id: str) -> dict[str, Any]:
    """``SalesOrderTypeDto``; the numbering series it uses is not part of the DTO."""
    spec = ORDER_TYPES[type_id]
    return {
        "orderType": type_id,
        "active": True,
        "description": spec["description"],
        "behavior": spec["behavior"],
        "defaultOperation": "Issue",
        "customerDocumentType": spec["customer_document_type"],
    }


def list_order_types(call: Call, app: SandboxApp) -> Reply:
    return listed(call, app.sandbox.options.max_page_size, [order_type_dto(t) for t in ORDER_TYPES])


def get_order_type(call: Call, app: SandboxApp) -> Reply:
    wanted = call.params["orderType"].upper()
    if wanted not in ORDER_TYPES:
        raise failure(call, 404, f"Sales order type '{call.params['orderType']}' was not found.")
    return json_reply(200, order_type_dto(wanted))


def numbering_dto(company: Company, type_id: str) -> dict[str, Any]:
    """``NumberingDto`` of an order type's series (its ``numberingId`` is the type's id)."""
    spec = ORDER_TYPES[type_id]
    next_number = company.next_order_number.get(type_id, 1)
    while (type_id, f"{next_number:06d}") in company.orders:
        next_number += 1
    return {
        "numberingId": type_id,
        "description": f"{spec['description']} numbers",
        "manualNumbering": spec["manual_numbering"],
        "newNumberSymbol": "<NEW>",
        "sequence": [
            {
                "numberingId": type_id,
                "startNbr": "000001",
                "endNbr": "999999",
                "startDate": iso(BASE_DATE.replace(month=1, day=1)),
                "lastNbr": f"{next_number - 1:06d}",
                "warnNbr": "999900",
                "nbrStep": 1,
                "nextNumber": f"{next_number:06d}",
            }
        ],
    }


def list_number_sequences(call: Call, app: SandboxApp) -> Reply:
    assert call.company is not None
    with app.sandbox.lock:
        body = [numbering_dto(call.company, t) for t in ORDER_TYPES]
    return json_reply(200, body)


def get_number_sequence(call: Call, app: SandboxApp) -> Reply:
    assert call.company is not None
    wanted = call.params["numberingId"].upper()
    if wanted not in ORDER_TYPES:
        raise failure(call, 404, f"Numbering '{call.params['numberingId']}' was not found.")
    with app.sandbox.lock:
        body = numbering_dto(call.company, wanted)
    return json_reply(200, body)


# -- suppliers ---------------------------------------------------------------------------------


def supplier_dto(supplier: dict[str, Any]) -> dict[str, Any]:
    country = supplier["country"]
    return {
        "internalId": supplier["_internal_id"],
        "number": supplier["number"],
        "name": supplier["name"],
        "status": supplier["status"],
        "mainAddress": {"country": {"id": country, "name": COUNTRY_NAMES[country]}},
        "supplierClass": {"id": "DOMESTIC", "description": "Innenlands"},
        "creditTerms": {"id": "30D", "description": "30 dager netto"},
        "currencyId": COUNTRY_CURRENCY[country],
        "paymentMethod": {"id": "BANK", "description": "Bankoverføring"},
        "cashAccount": "1920",
        "lastModifiedDateTime": supplier["_modified"],
        "timeStamp": timestamp_of(supplier["_rowversion"]),
    }


def list_suppliers(call: Call, app: SandboxApp) -> Reply:
    assert call.company is not None
    status = enum_arg(call, "status", SUPPLIER_STATUSES)
    name = (call.arg("name") or "").lower()
    after = call.arg("greaterThanValue") or ""
    modified = _modified_filter(call)
    with app.sandbox.lock:
        found = [
            supplier_dto(s)
            for s in call.company.master.suppliers.values()
            if (status is None or s["status"] == status)
            and name in s["name"].lower()
            and s["number"] > after
            and modified(s["_modified"])
        ]
    return listed(call, app.sandbox.options.max_page_size, found)


def get_supplier(call: Call, app: SandboxApp) -> Reply:
    assert call.company is not None
    with app.sandbox.lock:
        supplier = call.company.master.supplier(call.params["supplierCd"])
        if supplier is None:
            raise failure(call, 404, f"Supplier '{call.params['supplierCd']}' was not found.")
        return json_reply(200, supplier_dto(supplier))


# -- inventory ---------------------------------------------------------------------------------


def inventory_dto(
    company: Company,
    item: dict[str, Any],
    *,
    attributes: bool,
    suppliers: bool,
    warehouses: bool,
) -> dict[str, Any]:
    """``InventoryDto`` with the default price; expansions as the list's ``expand*`` flags."""
    unit = item["base_unit"]
    dto: dict[str, Any] = {
        "inventoryId": item["_internal_id"],
        "inventoryNumber": item["inventory_id"],
        "status": item.get("status", "Active"),
        "type": "FinishedGoodItem" if item["stock_item"] else "NonStockItem",
        "description": item["description"],
        "defaultPrice": item["price"],
        "currentCost": item["cost"],
        "lastCost": item["cost"],
        "baseUnit": unit,
        "salesUnit": unit,
        "purchaseUnit": unit,
        "stockItem": item["stock_item"],
        "kitItem": False,
        "defaultWarehouse": {"id": "MAIN", "description": dict(DEMO_WAREHOUSES)["MAIN"]},
        "lastModifiedDateTime": item["_modified"],
        "timestamp": timestamp_of(item["_rowversion"]),
    }
    if attributes:
        dto["attributes"] = [
            {"id": name, "value": value, "description": _ATTRIBUTE_DESCRIPTIONS[name]}
            for name, value in item_attributes(item).items()
        ]
    if suppliers:
        supplier = (
            company.master.supplier(item["preferred_supplier"])
            if item["preferred_supplier"]
            else None
        )
        dto["supplierDetails"] = (
            [
                {
                    "active": supplier["status"] == "Active",
                    "default": True,
                    "supplierId": supplier["number"],
                    "supplierName": supplier["name"],
                    "purchaseUnit": unit,
                    "currencyId": COUNTRY_CURRENCY[supplier["country"]],
                    "lastSupplierPrice": item["cost"],
                }
            ]
            if supplier
            else []
        )
    if warehouses:
        dto["warehouseDetails"] = [
            {
                "isDefault": warehouse_id == "MAIN",
                "warehouse": warehouse_id,
                "quantityOnHand": quantity_on_hand(company.company_id, item, warehouse_id),
                "available": quantity_on_hand(company.company_id, item, warehouse_id),
                "availableForShipment": quantity_on_hand(company.company_id, item, warehouse_id),
                "lastModifiedDateTime": item["_modified"],
            }
            for warehouse_id, _description in DEMO_WAREHOUSES
        ]
    return dto


def _attribute_filter(call: Call) -> dict[str, str]:
    """``attributes={"DEFAULTPOSOURCE":"dropShip"}`` (an object of attribute id -> value)."""
    raw = call.arg("attributes")
    if not raw:
        return {}
    try:
        wanted = json.loads(raw)
    except ValueError:
        wanted = None
    if not isinstance(wanted, dict) or not all(isinstance(v, str) for v in wanted.values()):
        raise bad_request(
            call, 'attributes must be a JSON object of attribute id and value, like {"ID":"v"}.'
        )
    return {str(k).upper(): v for k, v in wanted.items()}


def list_inventory(call: Call, app: SandboxApp) -> Reply:
    assert call.company is not None
    company = call.company
    number = (call.arg("inventoryNumber") or "").upper()
    description = (call.arg("description") or "").lower()
    status = enum_arg(call, "status", ITEM_STATUSES)
    after = (call.arg("greaterThanValue") or "").upper()
    wanted_attributes = _attribute_filter(call)
    modified = _modified_filter(call)
    flags = {
        "attributes": bool_arg(call, "expandAttribute"),
        "suppliers": bool_arg(call, "expandSupplierDetails"),
        "warehouses": bool_arg(call, "expandWarehouseDetail"),
    }
    with app.sandbox.lock:
        found = [
            inventory_dto(company, item, **flags)
            for item in company.master.items.values()
            if (not number or item["inventory_id"] == number)
            and description in item["description"].lower()
            and (status is None or item.get("status", "Active") == status)
            and item["inventory_id"] > after
            and all(item_attributes(item).get(k) == v for k, v in wanted_attributes.items())
            and modified(item["_modified"])
        ]
    return listed(call, app.sandbox.options.max_page_size, found)


def get_inventory_item(call: Call, app: SandboxApp) -> Reply:
    assert call.company is not None
    with app.sandbox.lock:
        item = call.company.master.item(call.params["inventoryNumber"])
        if item is None:
            raise failure(
                call, 404, f"Inventory item '{call.params['inventoryNumber']}' was not found."
            )
        body = inventory_dto(call.company, item, attributes=True, suppliers=True, warehouses=True)
    return json_reply(200, body)
