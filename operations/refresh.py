"""What an ERP event refreshes: each part registers a refresher for the kind of document it shows.

ERP events are thin (operations-facts.md C8): each is a trigger for a GET. The event handlers
(`operations/events.py`) coalesce a burst on one document into one refresh and call the
refreshers registered here for its kind, in the background lane of the company's budget. A part
registers in its module, imported from `OperationsConfig.ready()`:

    @refresher(Kind.SUPPLIER_INVOICE)
    def refresh_invoice(tenant, document_id: str) -> None: ...
"""

from __future__ import annotations

import enum
from collections.abc import Callable


class Kind(enum.StrEnum):
    SUPPLIER_INVOICE = "supplier_invoice"
    SUPPLIER_PAYMENT = "supplier_payment"
    SALES_ORDER = "sales_order"
    CUSTOMER = "customer"
    SUPPLIER = "supplier"
    INVENTORY_ITEM = "inventory_item"


Refresher = Callable[..., None]

_REFRESHERS: dict[Kind, list[Refresher]] = {}


def refresher(kind: Kind) -> Callable[[Refresher], Refresher]:
    def decorator(function: Refresher) -> Refresher:
        registered = _REFRESHERS.setdefault(Kind(kind), [])
        if function not in registered:
            registered.append(function)
        return function

    return decorator


def refreshers_for(kind: Kind) -> list[Refresher]:
    return list(_REFRESHERS.get(Kind(kind), ()))
