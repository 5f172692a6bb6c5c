"""The business rules a new order passes after the schema check, each with the SO-v3 error code
(``x-visma-erp-error-codes``) and the property it concerns.

docs/sandbox.md lists every code emitted here; the portal maps each onto a form field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from erpsim.salesorders import schema_check
from erpsim.salesorders.builder import SALES_PERSONS, po_source
from erpsim.salesorders.lookups import customer_currency, location_of
from erpsim.salesorders.schema_check import detail
from erpsim.world import COUNTRY_CURRENCY, DEMO_WAREHOUSES, ORDER_TYPES, UNITS

if TYPE_CHECKING:
    from erpsim.state import Company

# NewSalesOrderLineDto.purchaseOrderSource: "Accepted values are dropShip or purchaseToOrder".
PO_SOURCES = ("dropShip", "purchaseToOrder")
ORDER_STATUSES = (None, "", "Open", "Hold")
LINE_OPERATIONS = (None, "Issue", "Receipt")
SHIPPING_RULES = (None, "CancelRemainder", "BackOrderAllowed", "ShipComplete")


def order_problems(command: dict[str, Any], company: Company) -> list[dict[str, Any]]:
    problems: list[dict[str, Any]] = []
    problems += _order_type_problems(command)
    if command.get("status") not in ORDER_STATUSES:
        problems.append(detail(schema_check.VALUE_NOT_ALLOWED, "status", value=command["status"]))
    problems += _customer_problems(command, company)
    if command.get("salesPersonId") and command["salesPersonId"] not in SALES_PERSONS:
        problems.append(detail("1902-SalesPersonNotFound", "salesPersonId"))
    if command.get("projectId"):
        problems.append(detail("1904-ProjectNotFound", "projectId"))
    warehouse = (command.get("shipping") or {}).get("preferredWarehouseId")
    if warehouse and warehouse not in dict(DEMO_WAREHOUSES):
        problems.append(detail("1802-InvalidWarehouseId", "shipping.preferredWarehouseId"))
    period = (command.get("financialInformation") or {}).get("postPeriod")
    if period and not (period.isdigit() and len(period) == 6 and 1 <= int(period[:2]) <= 12):
        problems.append(detail("1600-FinancialPeriodNotFound", "financialInformation.postPeriod"))
    for index, line in enumerate(command.get("orderLines") or []):
        problems += _line_problems(line, f"orderLines[{index}]", company)
    return problems


def _order_type_problems(command: dict[str, Any]) -> list[dict[str, Any]]:
    order_type = ORDER_TYPES.get(command["type"].upper())
    if order_type is None:
        return [detail("1704-InvalidOrderType", "type", value=command["type"])]
    if command.get("orderId") and not order_type["manual_numbering"]:
        return [
            detail(
                schema_check.VALUE_NOT_ALLOWED,
                "orderId",
                value=command["orderId"],
                reason=f"order type {command['type'].upper()} numbers its orders itself; "
                "leave orderId out",
            )
        ]
    return []


def _customer_problems(command: dict[str, Any], company: Company) -> list[dict[str, Any]]:
    customer_id = command["customer"].get("id")
    if not customer_id:
        return [detail(schema_check.NULL_NOT_ALLOWED, "customer.id")]
    customer = company.master.customer(customer_id)
    if customer is None:
        return [detail("1400-CustomerLookupException", "customer.id", value=customer_id)]
    problems = []
    if customer["status"] != "Active":
        problems.append(detail("1407-InvalidCustomerStatus", "customer.id", value=customer_id))
    location_id = command["customer"].get("locationId")
    if location_id and location_of(customer, location_id) is None:
        problems.append(
            detail(
                schema_check.INVALID_VALUE,
                "customer.locationId",
                value=location_id,
                reason=f"not a location of customer {customer_id}",
            )
        )
    currency = command.get("currencyId")
    if currency and currency not in COUNTRY_CURRENCY.values():
        problems.append(detail(schema_check.INVALID_VALUE, "currencyId", value=currency))
    elif currency and currency != customer_currency(customer) and not customer["currency_override"]:
        problems.append(
            detail(
                "1408-OverrideCurrencyIdProhibited",
                "currencyId",
                value=currency,
                customerCurrencyId=customer_currency(customer),
            )
        )
    return problems


def _line_problems(line: dict[str, Any], path: str, company: Company) -> list[dict[str, Any]]:
    problems = []
    item = company.master.item(line["inventoryId"])
    if item is None:
        problems.append(
            detail("1804-InventoryIdNotFound", f"{path}.inventoryId", value=line["inventoryId"])
        )
    if line.get("operation") not in LINE_OPERATIONS:
        problems.append(detail("1800-InvalidLineOperation", f"{path}.operation"))
    if line.get("shippingRule") not in SHIPPING_RULES:
        problems.append(detail(schema_check.VALUE_NOT_ALLOWED, f"{path}.shippingRule"))
    source = line.get("purchaseOrderSource")
    if source not in (None, "", *PO_SOURCES):
        problems.append(
            detail(schema_check.VALUE_NOT_ALLOWED, f"{path}.purchaseOrderSource", value=source)
        )
    problems += _supplier_problems(line, path, po_source(line, item), company)
    warehouse = line.get("warehouseId")
    if warehouse and warehouse not in dict(DEMO_WAREHOUSES):
        problems.append(detail("1802-InvalidWarehouseId", f"{path}.warehouseId"))
    unit = line.get("unitOfMeasure")
    if unit and unit.upper() not in UNITS:
        problems.append(detail("1808-InvalidUnitOfMeasure", f"{path}.unitOfMeasure"))
    quantity = line.get("quantity") or 0
    if line.get("operation") == "Receipt" and quantity > 0:
        problems.append(detail("1809-InvalidQuantityForType", f"{path}.quantity"))
    return problems


def _supplier_problems(
    line: dict[str, Any], path: str, effective_source: str | None, company: Company
) -> list[dict[str, Any]]:
    """SO-v3: supplierId "only allowed when purchaseOrderSource is dropShip/purchaseToOrder"."""
    supplier_id = line.get("supplierId")
    if not supplier_id:
        return []
    if effective_source is None:
        return [
            detail(
                schema_check.VALUE_NOT_ALLOWED,
                f"{path}.supplierId",
                value=supplier_id,
                reason="supplierId needs purchaseOrderSource dropShip or purchaseToOrder",
            )
        ]
    supplier = company.master.supplier(supplier_id)
    if supplier is None or supplier["status"] != "Active":
        return [detail("1903-SupplierNotFound", f"{path}.supplierId", value=supplier_id)]
    return []
