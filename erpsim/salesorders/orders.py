"""Sales orders: POST validated like ``NewSalesOrderCommand``, GET with ETag/version, paged lists.

Purchase-order source (SO-v3 ``NewSalesOrderLineDto.purchaseOrderSource`` and the SEED KB article):
``dropShip`` / ``purchaseToOrder`` mark the line for PO; no value takes the item's default
replenishment source; ``""`` means explicitly none. ``supplierId`` is only allowed on such lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from erpsim import errors
from erpsim.call import Call
from erpsim.errors import ApiError
from erpsim.events import Event, record
from erpsim.financials.common import JSON_TYPES, etag_matches, parse_moment, quoted
from erpsim.replies import Reply, empty_reply, json_reply
from erpsim.salesorders import schema_check
from erpsim.salesorders.builder import build_order
from erpsim.salesorders.common import bad_request, moment_arg, not_found, paged
from erpsim.salesorders.schema_check import detail
from erpsim.salesorders.validation import order_problems

if TYPE_CHECKING:
    from erpsim.app import SandboxApp

EXPANSIONS = (
    "None",
    "Billing",
    "Payment",
    "FinancialInformation",
    "Shipping",
    "Customer",
    "Owner",
    "Origin",
    "Note",
    "Freight",
    "Attachments",
    "All",
)
_EXPANSION_FIELDS = {
    "Billing": ("billing",),
    "Payment": ("paymentSettings",),
    "FinancialInformation": ("financialInformation",),
    "Shipping": ("shipping",),
    "Owner": ("owner",),
    "Origin": ("origin",),
    "Note": ("note",),
    "Freight": ("freight",),
    "Attachments": ("attachments",),
}
_EXPANDABLE = frozenset(f for fields in _EXPANSION_FIELDS.values() for f in fields)
_ORDER_BY = {"created": "_created", "lastmodified": "lastModified", "orderid": "orderId"}


# -- create ------------------------------------------------------------------------------------


def create_order(call: Call, app: SandboxApp) -> Reply:
    assert call.company is not None
    command = _command(call)
    sandbox = app.sandbox
    with sandbox.lock:
        problems = order_problems(command, call.company)
        if problems:
            raise ApiError(errors.validation_problem(problems, call.request_id))
        order_type = command["type"].upper()
        order_id = command.get("orderId")
        if order_id and (order_type, order_id) in call.company.orders:
            raise ApiError(
                errors.problem(409, f"A sales order {order_type} {order_id} already exists.")
            )
        order = build_order(
            call.company, command, sandbox.clock.utcnow(), sandbox.next_rowversion()
        )
    record(call, Event.SALESORDER_CREATED, f"{order['type']}/{order['orderId']}")
    location = f"{call.base_url}/api/v3/SalesOrders/{order['type']}/{order['orderId']}"
    return empty_reply(201, [("Location", location), ("ETag", quoted(order["version"]))])


def _command(call: Call) -> dict[str, Any]:
    if call.content_type not in JSON_TYPES and not (
        call.content_type.startswith("application/") and call.content_type.endswith("+json")
    ):
        raise ApiError(errors.problem(415, "The body must be JSON (application/json)."))
    try:
        command = call.json_body()
    except (ValueError, UnicodeDecodeError) as error:
        detail_text = f"The JSON value could not be read: {error}"
        raise ApiError(
            errors.validation_problem(
                [detail(schema_check.INVALID_VALUE, "$", reason=detail_text)], call.request_id
            )
        ) from None
    problems = schema_check.check(command, "NewSalesOrderCommand")
    if problems:
        raise ApiError(errors.validation_problem(problems, call.request_id))
    return command


# -- read --------------------------------------------------------------------------------------


def _find(call: Call) -> dict[str, Any]:
    assert call.company is not None
    key = (call.params["type"].upper(), call.params["orderId"])
    order = call.company.orders.get(key)
    if order is None:
        raise not_found(f"Sales order {key[0]} {key[1]} was not found.")
    return order


def get_order(call: Call, app: SandboxApp) -> Reply:
    expansions = set()
    for raw in call.args("expand"):
        for value in raw.split(","):
            match = next((e for e in EXPANSIONS if e.lower() == value.strip().lower()), None)
            if match is None:
                raise bad_request(f"The value '{value}' is not valid for expand.")
            expansions.add(match)
    with app.sandbox.lock:
        order = _find(call)
        dto = order_dto(order, expansions)
    return json_reply(200, dto, [("ETag", quoted(order["version"]))])


def order_dto(order: dict[str, Any], expansions: set[str]) -> dict[str, Any]:
    everything = "All" in expansions
    shown = {
        f
        for name, fields in _EXPANSION_FIELDS.items()
        if everything or name in expansions
        for f in fields
    }
    dto = {k: v for k, v in order.items() if k[0] != "_" and (k not in _EXPANDABLE or k in shown)}
    if not (everything or "Customer" in expansions):
        dto["customer"] = {
            k: v for k, v in order["customer"].items() if k not in ("location", "taxZone")
        }
    return dto


def list_orders(call: Call, app: SandboxApp) -> Reply:
    assert call.company is not None
    order_type = call.params.get("type")
    customer_id = call.arg("customerId")
    status = (call.arg("status") or "").lower()
    text = (call.arg("filter") or "").lower()
    modified_since = moment_arg(call, "modifiedSince")
    sort_field, descending = _order_by(call.arg("orderBy"))
    with app.sandbox.lock:
        found = [
            order
            for (kind, _id), order in call.company.orders.items()
            if (not order_type or kind == order_type.upper())
            and (not customer_id or order["customer"]["id"] == customer_id)
            and (not status or _status_text(order).lower() == status)
            and (not text or text in order["orderId"].lower())
            and (modified_since is None or parse_moment(order["lastModified"]) >= modified_since)
        ]
        found.sort(key=lambda o: (o[sort_field], o["type"], o["orderId"]), reverse=descending)
        page, extra = paged(call, found, default_size=100, max_size=1000)
        value = [_list_dto(call, order) for order in page]
    return json_reply(200, {"value": value, **extra})


def _order_by(raw: str | None) -> tuple[str, bool]:
    if not raw:
        return "orderId", False
    parts = raw.split()
    field = _ORDER_BY.get(parts[0].lower())
    direction = parts[1].lower() if len(parts) > 1 else "asc"
    if field is None or len(parts) > 2 or direction not in ("asc", "desc"):
        raise bad_request(
            f"orderBy '{raw}' is not valid: use created, lastModified or orderId, then asc or desc."
        )
    return field, direction == "desc"


def _status_text(order: dict[str, Any]) -> str:
    if order["status"]["cancelled"]:
        return "Cancelled"
    return "Hold" if order["status"]["hold"] else "Open"


def _list_dto(call: Call, order: dict[str, Any]) -> dict[str, Any]:
    href = f"{call.base_url}/api/v3/SalesOrders/{order['type']}/{order['orderId']}"
    return {
        "_links": {"self": {"href": href}},
        "type": order["type"],
        "orderId": order["orderId"],
        "status": _status_text(order),
        "date": order["date"],
        "requestOn": order["requestOn"],
        "shippingScheduledDate": order["shipping"]["scheduledDate"],
        "lastModified": order["lastModified"],
        "customerId": order["customer"]["id"],
        "customerName": order["customer"]["name"],
        "customerOrder": order["customer"]["order"],
        "customerRefNo": order["customer"]["refNo"],
        "location": order["customer"]["location"]["id"],
        "currency": order["currencyId"],
        "description": order["description"],
        "orderQty": order["orderQty"],
        "orderTotal": order["totals"]["orderTotal"],
    }


def list_lines(call: Call, app: SandboxApp) -> Reply:
    with app.sandbox.lock:
        order = _find(call)
        page, extra = paged(call, order["_lines"], default_size=1000, max_size=1000)
        return json_reply(200, {"value": page, **extra})


def get_line(call: Call, app: SandboxApp) -> Reply:
    with app.sandbox.lock:
        order = _find(call)
        line = next(
            (ln for ln in order["_lines"] if str(ln["lineId"]) == call.params["lineId"]), None
        )
        if line is None:
            raise not_found(f"Line {call.params['lineId']} was not found on the order.")
        return json_reply(200, line)


def delete_order(call: Call, app: SandboxApp) -> Reply:
    with app.sandbox.lock:
        order = _find(call)
        _check_if_match(call, order)
        assert call.company is not None
        del call.company.orders[(order["type"], order["orderId"])]
    record(call, Event.SALESORDER_DELETED, f"{order['type']}/{order['orderId']}")
    return empty_reply(202)


def _check_if_match(call: Call, order: dict[str, Any]) -> None:
    """v3 writes require If-Match: 428 without it, 412 on a stale version (SO-v3 PATCH/DELETE)."""
    if_match = call.header("if-match")
    if if_match is None:
        raise ApiError(errors.problem(428, "If-Match header was not supplied"))
    if not etag_matches(if_match, order["version"]):
        raise ApiError(errors.problem(412, "Order version does not match with If-Match header"))
