"""ERP events: the catalogue, the webhook subscriptions that want them, and the thin notification
each subscription gets.

Event names (operations-facts C9/C10): the SalesOrderService publisher's and
``BACKGROUND_API_RESPONSE`` are Visma's own; the Financials publisher's entity events (AP Invoice
"Status Changed", Customer / Supplier / Inventory Item "Changed", "Created", "Updated", "Action
Triggered") carry the legacy snake-case names (``customer_changed``, ``apinvoice_statuschanged``),
a sandbox choice documented in docs/sandbox.md. Payloads are thin: ids and a ``resourceUri`` to
read the document again.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from erpsim.names import Names

if TYPE_CHECKING:
    from erpsim.call import Call

FINANCIALS_PUBLISHER = "vismanetfinancials-publisher"
SALESORDER_PUBLISHER = "visma.net.erp.salesorderservice-publisher"


class Event(Names):
    BACKGROUND_API_RESPONSE = "BACKGROUND_API_RESPONSE"
    AP_INVOICE_STATUS_CHANGED = "apinvoice_statuschanged"
    CUSTOMER_CHANGED = "customer_changed"
    CUSTOMER_CREATED = "customer_created"
    CUSTOMER_UPDATED = "customer_updated"
    CUSTOMER_ACTION_TRIGGERED = "customer_actiontriggered"
    SUPPLIER_CHANGED = "supplier_changed"
    SUPPLIER_CREATED = "supplier_created"
    SUPPLIER_UPDATED = "supplier_updated"
    SUPPLIER_ACTION_TRIGGERED = "supplier_actiontriggered"
    INVENTORY_ITEM_CHANGED = "inventoryitem_changed"
    INVENTORY_ITEM_CREATED = "inventoryitem_created"
    INVENTORY_ITEM_UPDATED = "inventoryitem_updated"
    INVENTORY_ITEM_ACTION_TRIGGERED = "inventoryitem_actiontriggered"
    SALESORDER_CREATED = "SALESORDER_CREATED"
    SALESORDER_UPDATED = "SALESORDER_UPDATED"
    SALESORDER_DELETED = "SALESORDER_DELETED"
    SALESORDER_UI_CUSTOMACTION = "SALESORDER_UI_CUSTOMACTION"


@dataclass(frozen=True)
class EntityKind:
    """What an event is about: where to read it again, and which publisher tells."""

    name: str
    publisher: str
    resource: str  # a path template under the origin; {id} is the entity id


SUPPLIER_INVOICE = EntityKind("supplier_invoice", FINANCIALS_PUBLISHER, "/v1/supplierInvoice/{id}")
CUSTOMER = EntityKind("customer", FINANCIALS_PUBLISHER, "/v1/customer/{id}")
SUPPLIER = EntityKind("supplier", FINANCIALS_PUBLISHER, "/v1/supplier/{id}")
INVENTORY_ITEM = EntityKind("inventory_item", FINANCIALS_PUBLISHER, "/v1/inventory/{id}")
SALES_ORDER = EntityKind("sales_order", SALESORDER_PUBLISHER, "/api/v3/SalesOrders/{id}")
BACKGROUND = EntityKind("background_operation", FINANCIALS_PUBLISHER, "/v1/background/{id}")

# event -> (entity kind, the legacy NotificationDto "action")
CATALOGUE: dict[Event, tuple[EntityKind, str]] = {
    Event.BACKGROUND_API_RESPONSE: (BACKGROUND, "ResponseReady"),
    Event.AP_INVOICE_STATUS_CHANGED: (SUPPLIER_INVOICE, "StatusChanged"),
    Event.CUSTOMER_CHANGED: (CUSTOMER, "Changed"),
    Event.CUSTOMER_CREATED: (CUSTOMER, "Created"),
    Event.CUSTOMER_UPDATED: (CUSTOMER, "Updated"),
    Event.CUSTOMER_ACTION_TRIGGERED: (CUSTOMER, "ActionTriggered"),
    Event.SUPPLIER_CHANGED: (SUPPLIER, "Changed"),
    Event.SUPPLIER_CREATED: (SUPPLIER, "Created"),
    Event.SUPPLIER_UPDATED: (SUPPLIER, "Updated"),
    Event.SUPPLIER_ACTION_TRIGGERED: (SUPPLIER, "ActionTriggered"),
    Event.INVENTORY_ITEM_CHANGED: (INVENTORY_ITEM, "Changed"),
    Event.INVENTORY_ITEM_CREATED: (INVENTORY_ITEM, "Created"),
    Event.INVENTORY_ITEM_UPDATED: (INVENTORY_ITEM, "Updated"),
    Event.INVENTORY_ITEM_ACTION_TRIGGERED: (INVENTORY_ITEM, "ActionTriggered"),
    Event.SALESORDER_CREATED: (SALES_ORDER, "Created"),
    Event.SALESORDER_UPDATED: (SALES_ORDER, "Updated"),
    Event.SALESORDER_DELETED: (SALES_ORDER, "Deleted"),
    Event.SALESORDER_UI_CUSTOMACTION: (SALES_ORDER, "CustomAction"),
}
# What a change of each kind of record fires ("Changed" fires on create and update alike).
UPDATED = {
    CUSTOMER.name: (Event.CUSTOMER_CHANGED, Event.CUSTOMER_UPDATED),
    SUPPLIER.name: (Event.SUPPLIER_CHANGED, Event.SUPPLIER_UPDATED),
    INVENTORY_ITEM.name: (Event.INVENTORY_ITEM_CHANGED, Event.INVENTORY_ITEM_UPDATED),
    SALES_ORDER.name: (Event.SALESORDER_UPDATED,),
}
ACTION_EVENTS = frozenset(
    {
        Event.CUSTOMER_ACTION_TRIGGERED,
        Event.SUPPLIER_ACTION_TRIGGERED,
        Event.INVENTORY_ITEM_ACTION_TRIGGERED,
        Event.SALESORDER_UI_CUSTOMACTION,
    }
)


@dataclass(frozen=True)
class Occurrence:
    """One thing that happened in one company, waiting to be told to its subscribers."""

    event: Event
    company_id: int
    entity_id: str
    actor_client_id: str | None  # the API client whose call caused it; None for the ERP UI
    base_url: str
    at: float  # virtual-clock seconds
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> EntityKind:
        return CATALOGUE[self.event][0]

    @property
    def resource_uri(self) -> str:
        return self.base_url + self.kind.resource.format(id=self.entity_id)


def record(call: Call, event: Event, entity_id: str, **extra: Any) -> None:
    """Note an event on the call; the app publishes it once the handler has succeeded."""
    call.extra.setdefault("events", []).append((event, entity_id, extra))


@dataclass
class Subscription:
    """A webhook subscription of one API client (the Developer Portal's, imitated)."""

    id: str
    client_id: str
    company_id: int | None  # None: every company whose tenant approved the client
    url: str
    keys: tuple[str, ...]  # the first signs; the rest are kept for the record of a rotation
    events: frozenset[Event] | None  # None: every event
    implicit: bool = False  # a client's webhook_url, which hears BACKGROUND_API_RESPONSE only

    def wants(self, event: Event, company_id: int) -> bool:
        return (self.company_id is None or self.company_id == company_id) and (
            self.events is None or event in self.events
        )

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "client_id": self.client_id,
            "company_id": self.company_id,
            "url": self.url,
            "keys": ["***"] * len(self.keys),
            "events": sorted(self.events) if self.events is not None else None,
            "implicit": self.implicit,
        }


class Subscriptions:
    def __init__(self) -> None:
        self._items: dict[str, Subscription] = {}
        self._lock = threading.Lock()

    def put(self, subscription: Subscription) -> None:
        with self._lock:
            self._items[subscription.id] = subscription

    def remove(self, subscription_id: str) -> bool:
        with self._lock:
            return self._items.pop(subscription_id, None) is not None

    def all(self) -> list[Subscription]:
        with self._lock:
            return list(self._items.values())

    def reset(self) -> None:
        with self._lock:
            self._items.clear()
