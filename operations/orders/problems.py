"""The ERP's 400 on a create, put back on the form: each ``details[]`` entry onto the field (and
line) its ``parameters.property`` names, in the error guide's words with the ERP's code beside:
"Line 2, item: not found in the ERP (1804-InventoryIdNotFound)".

``property`` spells the request's JSON path, lines zero-based: ``orderLines[1].inventoryId``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from errorguide.v3_codes import V3_CODES

# JSON property -> (form field, the words for it)
HEADER_FIELDS: dict[str, tuple[str, str]] = {
    "type": ("order_type", "Order type"),
    "orderId": ("order_id", "Order number"),
    "customer": ("customer_id", "Customer"),
    "customer.id": ("customer_id", "Customer"),
    "customer.locationId": ("location_id", "Delivery location"),
    "customer.order": ("customer_order", "Customer's order number"),
    "customer.refNo": ("customer_ref", "Customer reference"),
    "description": ("description", "Description"),
    "date": ("date", "Order date"),
    "requestOn": ("request_on", "Requested date"),
    "currencyId": ("currency_id", "Currency"),
    "status": ("status", "Status"),
}
LINE_FIELDS: dict[str, tuple[str, str]] = {
    "inventoryId": ("inventory_id", "item"),
    "quantity": ("quantity", "quantity"),
    "unitOfMeasure": ("unit", "unit"),
    "unitPrice": ("unit_price", "unit price"),
    "description": ("description", "description"),
    "warehouseId": ("warehouse_id", "warehouse"),
    "discountPercent": ("discount_percent", "discount"),
    "purchaseOrderSource": ("purchase_order_source", "purchase"),
    "supplierId": ("supplier_id", "supplier"),
}
_LINE = re.compile(r"^orderLines\[(\d+)\](?:\.(.+))?$")
_SPECIAL_SHORT = {
    ("0004-ValueNotAllowed", "orderId"): "this order type numbers its orders itself",
}


@dataclass(slots=True)
class Placed:
    """Messages by where they go: header fields, line fields (0-based line index), the form."""

    header: dict[str, list[str]] = field(default_factory=dict)
    lines: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    # Every message in the ERP's order, for the summary above the form.
    summary: list[str] = field(default_factory=list)


def short(code: str, message: str | None, prop: str | None) -> str:
    special = _SPECIAL_SHORT.get((code, prop or ""))
    if special:
        return special
    guide = V3_CODES.get(code)
    return guide.short if guide else (message or "refused")


def place(codes: Iterable[Sequence[str | None]]) -> Placed:
    """``codes`` as ``(code, message, property)``: each problem on its field and line."""
    placed = Placed()
    for code, message, prop in codes:
        code = code or ""
        words = f"{short(code, message, prop)} ({code})" if code else (message or "refused")
        prop = prop or ""
        line = _LINE.match(prop)
        if line:
            index, rest = int(line.group(1)), line.group(2) or ""
            field_name, label = LINE_FIELDS.get(rest, (None, rest or "the line"))
            text = f"Line {index + 1}, {label}: {words}"
            target = placed.lines.setdefault(index, {})
            target.setdefault(field_name or "__all__", []).append(text)
        elif prop in HEADER_FIELDS:
            field_name, label = HEADER_FIELDS[prop]
            text = f"{label}: {words}"
            placed.header.setdefault(field_name, []).append(text)
        else:
            text = f"{prop}: {words}" if prop and prop != "$" else words
            placed.general.append(text)
        placed.summary.append(text)
    return placed
