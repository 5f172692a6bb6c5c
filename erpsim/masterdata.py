"""A company's own customers, suppliers and inventory items, copied from the demo world.

Each company gets its own copy, so the control API can change one company's records (and the
ERP's events can say so) without touching another's. Records carry a version for ``timeStamp``
and a ``lastModified`` moment; both move when a record changes.
"""

from __future__ import annotations

import copy
from typing import Any

from erpsim.demo_documents import BASE_DATE, iso
from erpsim.world import DEMO_CUSTOMERS, DEMO_INVENTORY, DEMO_SUPPLIERS

# Versions of unchanged master records sit below every document's rowversion.
_FIRST_VERSION = 0x1000


def _copies(
    records: list[dict[str, Any]], key: str, offset: int, first_internal_id: int
) -> dict[str, dict[str, Any]]:
    copies = {}
    for position, record in enumerate(records):
        fresh = copy.deepcopy(record)
        fresh["_rowversion"] = _FIRST_VERSION + offset + position
        fresh["_internal_id"] = first_internal_id + position
        fresh["_modified"] = iso(BASE_DATE)
        copies[fresh[key].upper()] = fresh
    return copies


class MasterData:
    def __init__(self) -> None:
        self.customers = _copies(DEMO_CUSTOMERS, "id", 0, 10000)
        # The same internal ids the seeded supplier invoices carry (7000 + number - 50000).
        self.suppliers = _copies(DEMO_SUPPLIERS, "number", 100, 7001)
        self.items = _copies(DEMO_INVENTORY, "inventory_id", 200, 100)

    def customer(self, customer_id: str) -> dict[str, Any] | None:
        return self.customers.get(customer_id.upper())

    def supplier(self, number: str) -> dict[str, Any] | None:
        return self.suppliers.get(number.upper())

    def item(self, inventory_id: str) -> dict[str, Any] | None:
        return self.items.get(inventory_id.upper())
