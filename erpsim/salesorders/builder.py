"""Turn a validated ``NewSalesOrderCommand`` into a stored order (``SalesOrderDto`` + lines).

Kept apart from the HTTP handlers so the demo world can seed orders through the same code path.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from erpsim.demo_documents import BASE_DATE, iso
from erpsim.financials.common import parse_moment
from erpsim.salesorders.lookups import customer_currency, location_dto, location_of
from erpsim.versions import timestamp_of
from erpsim.world import (
    COUNTRY_VAT_RATE,
    DEMO_CUSTOMERS,
    DEMO_INVENTORY,
    DEMO_WAREHOUSES,
)

if TYPE_CHECKING:
    from erpsim.state import Company

SALES_PERSONS = {"SP01": "Kari Nordmann", "SP02": "Erik Svensson"}
DEMO_ORDERS_PER_COMPANY = 24


def po_source(line: dict[str, Any], item: dict[str, Any] | None) -> str | None:
    source = line.get("purchaseOrderSource")
    if source == "":
        return None  # SO-v3: "provided as '' ... the value will set to null"
    if source is None:
        return item["default_po_source"] if item else None
    return source


def build_order(
    company: Company, command: dict[str, Any], now: datetime, rowversion: int
) -> dict[str, Any]:
    """Store a new order from an already validated command; returns the stored order."""
    order_type = command["type"].upper()
    order_id = command.get("orderId") or _next_order_id(company, order_type)
    customer_id = command["customer"]["id"]
    record = company.master.customer(customer_id)
    assert record is not None
    location = location_of(record, command["customer"].get("locationId"))
    assert location is not None
    vat_rate = COUNTRY_VAT_RATE.get(company.country, 25.0)
    order_date = _moment(command.get("date")) or now.replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    lines = [
        _line_dto(company, index + 1, line, order_date, vat_rate)
        for index, line in enumerate(command.get("orderLines") or [])
    ]
    taxable = round(sum(line["extendedPrice"] for line in lines), 2)
    tax = round(taxable * vat_rate / 100, 2)
    hold = command.get("status") == "Hold"
    stamp = iso(now)
    # An order is in the customer's currency unless the caller overrides it (where allowed).
    currency = command.get("currencyId") or customer_currency(record)
    customer = command["customer"]
    billing, shipping = command.get("billing") or {}, command.get("shipping") or {}
    order: dict[str, Any] = {
        "type": order_type,
        "orderId": order_id,
        "date": iso(order_date),
        "requestOn": iso(_moment(command.get("requestOn")) or order_date),
        "cancelBy": iso(_moment(command.get("cancelBy")) or order_date + timedelta(days=30)),
        "status": {"description": "On Hold" if hold else "Open", "hold": hold, "cancelled": False},
        "description": command.get("description"),
        "note": command.get("note"),
        "currencyId": currency,
        "createdBy": "api",
        "isRotRutDeductable": False,
        "orderQty": float(sum(line["quantity"] or 0 for line in lines)),
        "lastModified": stamp,
        "originalOrderId": command.get("originalOrderId"),
        "originalOrderType": command.get("originalOrderType"),
        "useReplacementCostForMarginAndProfit": command.get("useReplacementCostForMarginAndProfit"),
        "branch": {"id": command.get("branchId") or "1", "description": "Hovedkontor"},
        "salesPerson": (
            {"id": command["salesPersonId"], "description": SALES_PERSONS[command["salesPersonId"]]}
            if command.get("salesPersonId")
            else None
        ),
        "customer": {
            "id": customer_id,
            "internalId": int(customer_id),
            "name": record["name"],
            "order": customer.get("order"),
            "refNo": customer.get("refNo"),
            "contactId": customer.get("contactId"),
            "location": location_dto(record, location),
            "taxZone": {"id": record["country"], "description": f"Domestic {record['country']}"},
        },
        "totals": {
            "taxableTotal": taxable,
            "taxableTotalInBaseCurrency": taxable,
            "taxTotal": tax,
            "taxTotalInBaseCurrency": tax,
            "taxExemptTotal": 0.0,
            "taxExemptTotalInBaseCurrency": 0.0,
            "orderTotal": round(taxable + tax, 2),
            "orderTotalInBaseCurrency": round(taxable + tax, 2),
            "unbilledAmount": round(taxable + tax, 2),
            "unbilledAmountInBaseCurrency": round(taxable + tax, 2),
            "unshippedAmount": round(taxable + tax, 2),
            "unshippedAmountInBaseCurrency": round(taxable + tax, 2),
            "freightTotal": 0.0,
            "freightTotalInBaseCurrency": 0.0,
            "discountTotal": round(sum(line["discountAmount"] or 0 for line in lines), 2),
            "costTotal": round(
                sum((line["unitCost"] or 0) * (line["quantity"] or 0) for line in lines), 2
            ),
        },
        "billing": {
            "address": _address(billing.get("address"), record, record["locations"][0]),
            "contact": _contact(billing.get("contact"), record),
        },
        "shipping": {
            "address": _address(shipping.get("address"), record, location),
            "contact": _contact(shipping.get("contact"), record),
            "insurance": bool(shipping.get("insurance")),
            "residentialDelivery": bool(shipping.get("residentialDelivery")),
            "saturdayDelivery": bool(shipping.get("saturdayDelivery")),
            "shipSeparately": bool(shipping.get("shipSeparately")),
            "priority": shipping.get("priority") or 0,
            "rule": shipping.get("rule") or "CancelRemainder",
            "scheduledDate": iso(_moment(shipping.get("scheduledDate")) or order_date),
            "preferredWarehouse": (
                {
                    "id": shipping["preferredWarehouseId"],
                    "description": dict(DEMO_WAREHOUSES)[shipping["preferredWarehouseId"]],
                }
                if shipping.get("preferredWarehouseId")
                else None
            ),
        },
        "financialInformation": {
            "invoiceSeparately": bool(
                (command.get("financialInformation") or {}).get("invoiceSeparately")
            ),
            "postPeriod": (command.get("financialInformation") or {}).get("postPeriod"),
            "terms": {"id": "30D", "description": "30 dager netto"},
        },
        "paymentSettings": {
            "cashAccountId": (command.get("paymentSettings") or {}).get("cashAccountId"),
            "paymentReference": (command.get("paymentSettings") or {}).get("paymentReference"),
        },
        "freight": {
            "amount": 0.0,
            "amountInBaseCurrency": 0.0,
            "cost": 0.0,
            "costInBaseCurrency": 0.0,
            "volume": 0.0,
            "weight": 0.0,
        },
        "owner": {"id": command.get("ownerId"), "internalId": None},
        "origin": {
            "orderId": command.get("originalOrderId"),
            "orderType": command.get("originalOrderType"),
        },
        "attachments": [],
        "print": command.get("print")
        or {
            "descriptionOnInvoice": False,
            "noteOnExternalDocuments": False,
            "noteOnInternalDocuments": False,
        },
        "_lines": lines,
        "_created": stamp,
        "_rowversion": rowversion,
    }
    order["version"] = timestamp_of(rowversion)
    # Sub-objects that the spec declares as plain $refs are left out rather than sent as null.
    for key in ("salesPerson",):
        if order[key] is None:
            del order[key]
    if order["shipping"]["preferredWarehouse"] is None:
        del order["shipping"]["preferredWarehouse"]
    company.orders[(order_type, order_id)] = order
    return order


def _moment(text: str | None) -> datetime | None:
    return parse_moment(text) if text else None


def _next_order_id(company: Company, order_type: str) -> str:
    number = company.next_order_number.get(order_type, 1)
    while (order_type, f"{number:06d}") in company.orders:
        number += 1
    company.next_order_number[order_type] = number + 1
    return f"{number:06d}"


def _address(
    given: dict[str, Any] | None, customer: dict[str, Any], location: dict[str, Any]
) -> dict[str, Any]:
    """The address sent, else the delivery location's (shipping) or the default one (billing)."""
    given = given or {}
    country = given.get("countryId") or customer["country"]
    return {
        "id": int(customer["id"]) * 10 + 2,
        "line1": given.get("line1") or location["line1"],
        "line2": given.get("line2"),
        "line3": given.get("line3"),
        "postalCode": given.get("postalCode") or location["postal_code"],
        "city": given.get("city") or location["city"],
        "country": {"id": country, "name": country},
        "overridesDefault": bool(given),
    }


def _contact(given: dict[str, Any] | None, customer: dict[str, Any]) -> dict[str, Any]:
    given = given or {}
    return {
        "id": int(customer["id"]) * 10 + 3,
        "name": given.get("name") or customer["name"],
        "attention": given.get("attention"),
        "email": given.get("email"),
        "phone1": given.get("phone1"),
        "overridesDefault": bool(given),
    }


def _line_dto(
    company: Company, line_id: int, line: dict[str, Any], order_date: datetime, vat_rate: float
) -> dict[str, Any]:
    item = company.master.item(line["inventoryId"])
    assert item is not None
    quantity = float(line.get("quantity") or 0)
    price = line.get("unitPrice")
    unit_price = float(price if price is not None else item["price"])
    before_discount = round(quantity * unit_price, 2)
    percent = float(line.get("discountPercent") or 0)
    discount = float(
        line.get("discountAmount")
        if line.get("discountAmount") is not None
        else before_discount * percent / 100
    )
    source = po_source(line, item)
    supplier_id = line.get("supplierId") or (item["preferred_supplier"] if source else None)
    supplier = company.master.supplier(supplier_id) if supplier_id else None
    return {
        "lineId": line_id,
        "sortOrder": line_id,
        "lineType": "GoodsForInventory" if item["stock_item"] else "NonStockItem",
        "inventory": {
            "id": item["inventory_id"],
            "description": item["description"],
            "baseUnit": item["base_unit"],
        },
        "description": line.get("description") or item["description"],
        "note": line.get("note"),
        "quantity": quantity,
        "baseOrderQuantity": quantity,
        "openQuantity": quantity,
        "billedQuantity": 0.0,
        "quantityOnShipments": 0.0,
        "unitOfMeasure": (line.get("unitOfMeasure") or item["base_unit"]).upper(),
        "unitPrice": unit_price,
        "unitCost": float(
            line.get("unitCost") if line.get("unitCost") is not None else item["cost"]
        ),
        "lineTotalBeforeDiscount": before_discount,
        "discountPercent": percent,
        "discountAmount": round(discount, 2),
        "extendedPrice": round(before_discount - discount, 2),
        "discountCode": line.get("discountCode"),
        "hasManualPrice": bool(line.get("hasManualPrice") or price is not None),
        "hasManualDiscount": bool(line.get("hasManualDiscount")),
        "commissionable": bool(line.get("commissionable")),
        "freeItem": False,
        "openLine": True,
        "completed": False,
        "operation": line.get("operation") or "Issue",
        "purchaseOrderSource": source,
        **({"supplier": {"id": supplier["number"], "name": supplier["name"]}} if supplier else {}),
        "supplierPrice": float(line.get("supplierPrice") or 0),
        "warehouseId": line.get("warehouseId") or "MAIN",
        "requestDate": iso(_moment(line.get("requestDate")) or order_date),
        "shipDate": iso(_moment(line.get("shipDate")) or order_date),
        "orderDate": iso(order_date),
        "shippingRule": line.get("shippingRule") or "CancelRemainder",
        "taxCategoryId": line.get("taxCategoryId") or f"{vat_rate:g}",
        "salesAccountId": line.get("salesAccountId") or "3000",
        "subaccount": line.get("subaccount"),
        "externalLink": line.get("externalLink"),
        "reasonCode": line.get("reasonCode"),
        "projectTaskId": line.get("projectTaskId"),
        "overshipThreshold": line.get("overshipThreshold") or 100.0,
        "undershipThreshold": line.get("undershipThreshold") or 100.0,
        "attachments": [],
        "branch": {"id": line.get("branchId") or "1", "description": "Hovedkontor"},
    }


def seed_orders(company: Company, seed: int, next_rowversion: Callable[[], int]) -> None:
    """A couple of dozen existing orders so lists and the demo are not empty."""
    rng = random.Random(f"sales-orders-{seed}-{company.company_id}")
    active = [c for c in DEMO_CUSTOMERS if c["status"] == "Active"]
    for number in range(1, DEMO_ORDERS_PER_COMPANY + 1):
        created = BASE_DATE - timedelta(days=rng.randint(0, 90), hours=rng.randint(0, 10))
        lines = [
            {"inventoryId": item["inventory_id"], "quantity": float(rng.randint(1, 10))}
            for item in rng.sample(DEMO_INVENTORY, rng.randint(1, 3))
        ]
        command = {
            "type": "SO" if number % 6 else "QT",
            "customer": {
                "id": rng.choice(active)["id"],
                "order": f"PO-{rng.randint(1000, 9999)}",
            },
            "status": "Hold" if number % 5 == 0 else "Open",
            "description": f"Order {number} from the demo world",
            "orderLines": lines,
        }
        build_order(company, command, created, next_rowversion())
