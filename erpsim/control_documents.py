"""Control calls where "someone else" changes a document or a record in the ERP.

Documents get a new version (so a stale ``If-Match`` now gets 412) and the answer names the old
and new one; named fields are set as given, with none the description gets "(changed by someone
else)". Each change fires the events the ERP would publish for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from erpsim.call import Call
from erpsim.control_input import body, choice, company_of, moment, refuse
from erpsim.demo_documents import iso, iso_date
from erpsim.events import (
    CUSTOMER,
    INVENTORY_ITEM,
    SALES_ORDER,
    SUPPLIER,
    UPDATED,
    EntityKind,
    record,
)
from erpsim.financials.lookups import ITEM_STATUSES, SUPPLIER_STATUSES
from erpsim.financials.supplier_invoices import (
    DOCUMENT_TYPES,
    STATUSES,
    etag_of,
    new_version,
    set_status,
)
from erpsim.financials.supplier_invoices import touch as touch_invoice_version
from erpsim.financials.supplier_payments import PAYMENT_STATUSES, PAYMENT_TYPES
from erpsim.masterdata import MasterData
from erpsim.replies import Reply, json_reply
from erpsim.salesorders.validation import PO_SOURCES
from erpsim.specs import FINANCIALS, enum
from erpsim.versions import timestamp_of

if TYPE_CHECKING:
    from erpsim.app import SandboxApp

APPROVAL_STATUSES = enum(FINANCIALS, "SupplierInvoiceDto", "approvalStatus")
SOMEONE_ELSE = " (changed by someone else)"
# Statuses after which nothing is left to pay.
_SETTLED = ("Closed", "Voided")


def _document(
    call: Call,
    documents: dict[tuple[str, str], dict[str, Any]],
    type_param: str,
    types: tuple[str, ...],
    noun: str,
) -> dict[str, Any]:
    """The supplier document the path names by type (any case) and number; 400/404 otherwise."""
    raw = call.params[type_param]
    kind = next((value for value in types if value.lower() == raw.lower()), None)
    if kind is None:
        raise refuse(f"Unknown {noun} type {raw}. Known: {', '.join(types)}.")
    document = documents.get((kind, call.params["number"]))
    if document is None:
        raise refuse(f"No supplier {noun} {kind} {call.params['number']}.", 404)
    return document


def _text_fields(data: dict[str, Any], names: tuple[str, ...], limit: int) -> dict[str, str]:
    found = {}
    for name in names:
        if name in data:
            value = data[name]
            if not isinstance(value, str) or len(value) > limit:
                raise refuse(f"{name} must be a string of at most {limit} characters.")
            found[name] = value
    return found


def _answer(old: str, new: str, changed: dict[str, Any]) -> Reply:
    return json_reply(
        200, {"previous_timeStamp": old, "timeStamp": new, "etag": f'"{new}"', "changed": changed}
    )


def touch_invoice(call: Call, app: SandboxApp) -> Reply:
    fields = (
        "description",
        "supplierReference",
        "note",
        "dueDate",
        "date",
        "status",
        "approvalStatus",
    )
    data = body(call, set(fields))
    changes: dict[str, Any] = _text_fields(data, ("description", "supplierReference"), 255)
    changes.update(_text_fields(data, ("note",), 2048))
    for name in ("dueDate", "date"):
        if name in data:
            changes[name] = iso_date(moment(data, name))
    if "status" in data:
        changes["status"] = choice(data, "status", STATUSES)
    if "approvalStatus" in data:
        changes["approvalStatus"] = choice(data, "approvalStatus", APPROVAL_STATUSES)
    with app.sandbox.lock:
        company = company_of(app, call.params["tenant_id"])
        invoice = _document(call, company.invoices, "documentType", DOCUMENT_TYPES, "invoice")
        if not changes:
            changes["description"] = f"{invoice['description']}{SOMEONE_ELSE}"[:255]
        call.company = company
        old = etag_of(invoice)
        _apply_invoice(call, invoice, changes)
        new = touch_invoice_version(app, invoice)
    return _answer(old, new, changes)


def _apply_invoice(call: Call, invoice: dict[str, Any], changes: dict[str, Any]) -> None:
    status = changes.pop("status", None)
    invoice.update(changes)
    if status is not None:
        changes["status"] = status
        set_status(call, invoice, status)
        if status in _SETTLED:
            invoice["balance"] = invoice["balanceInCurrency"] = 0.0


def touch_payment(call: Call, app: SandboxApp) -> Reply:
    data = body(call, {"description", "paymentRef", "applicationDate", "status"})
    changes: dict[str, Any] = _text_fields(data, ("description",), 50)
    changes.update(_text_fields(data, ("paymentRef",), 40))
    if "applicationDate" in data:
        changes["applicationDate"] = iso_date(moment(data, "applicationDate"))
    if "status" in data:
        changes["status"] = choice(data, "status", PAYMENT_STATUSES)
    with app.sandbox.lock:
        company = company_of(app, call.params["tenant_id"])
        payment = _document(call, company.payments, "paymentType", PAYMENT_TYPES, "payment")
        if not changes:
            changes["description"] = f"{payment['description']}{SOMEONE_ELSE}"[:50]
        old = etag_of(payment)
        payment.update(changes)
        if "status" in changes:
            payment["hold"] = changes["status"] == "Hold"
            payment["released"] = changes["status"] in ("Open", "Closed")
        new = new_version(app, payment)
    return _answer(old, new, changes)


# -- records and orders someone changes in the ERP's own screens -------------------------------


def _change_record(
    call: Call,
    app: SandboxApp,
    kind: EntityKind,
    find: Callable[[MasterData, str], dict[str, Any] | None],
    id_field: str,
    changes: dict[str, Any],
) -> Reply:
    """Set ``changes`` on the company's record named by the path's last parameter, give it a
    new version, and fire the kind's "changed" events."""
    wanted = call.params[id_field]
    with app.sandbox.lock:
        company = company_of(app, call.params["tenant_id"])
        found = find(company.master, wanted)
        if found is None:
            raise refuse(f"No {kind.name.replace('_', ' ')} {wanted}.", 404)
        found.update(changes)
        found["_rowversion"] = app.sandbox.next_rowversion()
        found["_modified"] = iso(app.sandbox.clock.utcnow())
    call.company = company
    for event in UPDATED[kind.name]:
        record(call, event, found[id_field])
    return json_reply(200, {"id": found[id_field], "changed": changes})


def change_customer(call: Call, app: SandboxApp) -> Reply:
    """Change a customer (name, status, currency override); fires customer_changed/_updated."""
    data = body(call, {"name", "status", "currency_override"})
    changes = _text_fields(data, ("name",), 255)
    if "status" in data:
        changes["status"] = choice(data, "status", ("Active", "Inactive"))
    if "currency_override" in data:
        if not isinstance(data["currency_override"], bool):
            raise refuse("currency_override must be true or false.")
        changes["currency_override"] = data["currency_override"]
    return _change_record(call, app, CUSTOMER, MasterData.customer, "id", changes)


def change_supplier(call: Call, app: SandboxApp) -> Reply:
    data = body(call, {"name", "status"})
    changes = _text_fields(data, ("name",), 255)
    if "status" in data:
        changes["status"] = choice(data, "status", SUPPLIER_STATUSES)
    return _change_record(call, app, SUPPLIER, MasterData.supplier, "number", changes)


def change_item(call: Call, app: SandboxApp) -> Reply:
    """Change an inventory item: description, default price, default replenishment source."""
    data = body(call, {"description", "price", "default_po_source", "status"})
    changes: dict[str, Any] = _text_fields(data, ("description",), 255)
    if "price" in data:
        price = data["price"]
        if isinstance(price, bool) or not isinstance(price, int | float) or price < 0:
            raise refuse("price must be a number of 0 or more.")
        changes["price"] = float(price)
    if "default_po_source" in data:
        source = data["default_po_source"]
        if source not in (None, *PO_SOURCES):
            raise refuse(f"default_po_source must be null or one of: {', '.join(PO_SOURCES)}.")
        changes["default_po_source"] = source
    if "status" in data:
        changes["status"] = choice(data, "status", ITEM_STATUSES)
    return _change_record(call, app, INVENTORY_ITEM, MasterData.item, "inventory_id", changes)


def touch_order(call: Call, app: SandboxApp) -> Reply:
    """Someone edits a sales order in the ERP: new version (a stale If-Match gets 412) and
    SALESORDER_UPDATED."""
    data = body(call, {"description", "status"})
    changes: dict[str, Any] = _text_fields(data, ("description",), 255)
    if "status" in data:
        changes["status"] = choice(data, "status", ("Open", "Hold"))
    with app.sandbox.lock:
        company = company_of(app, call.params["tenant_id"])
        key = (call.params["type"].upper(), call.params["order_id"])
        order = company.orders.get(key)
        if order is None:
            raise refuse(f"No sales order {key[0]} {key[1]}.", 404)
        if not changes:
            changes["description"] = f"{order['description'] or ''}{SOMEONE_ELSE}".strip()[:255]
        old = order["version"]
        if "description" in changes:
            order["description"] = changes["description"]
        if "status" in changes:
            hold = changes["status"] == "Hold"
            order["status"] = {
                "description": "On Hold" if hold else "Open",
                "hold": hold,
                "cancelled": False,
            }
        order["_rowversion"] = app.sandbox.next_rowversion()
        order["version"] = timestamp_of(order["_rowversion"])
        order["lastModified"] = iso(app.sandbox.clock.utcnow())
    call.company = company
    record(call, UPDATED[SALES_ORDER.name][0], f"{order['type']}/{order['orderId']}")
    return json_reply(
        200,
        {
            "previous_version": old,
            "version": order["version"],
            "etag": f'"{order["version"]}"',
            "changed": changes,
        },
    )
