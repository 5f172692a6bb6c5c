"""ERP lookups for the forms (customers, items, locations, order types, suppliers, warehouses),
cached per tenant, because every lookup costs the company's hourly budget.

- ``cached``: one answer per (tenant, kind, key), kept ``OPERATIONS_LOOKUP_CACHE_SECONDS``.
- ``search``: type-ahead over a list the ERP filters by substring. A search whose answer was
  complete (every match fit in one page) answers every longer search that starts with it from
  the cache: typing a 10-character name costs one ERP call, two if the first answer was cut off.
- ``forget``: drop a tenant's cached answers of a kind (an ERP event says the data changed).

Every answer carries when it was fetched, so the page can say how old it is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache

from tenants.models import Tenant

PREFIX = "operations:lookup:"
Row = dict[str, Any]

# The kinds of cached lookup: the one home of their names, shared by the forms that fill them and
# the ERP events that drop them (operations.events.LOOKUP_KINDS).
ORDER_TYPES = "order_types"
CUSTOMERS = "customers"
LOCATIONS = "locations"
ITEMS = "items"
# No form reads suppliers yet; a supplier event drops them so the first one that does is fresh.
SUPPLIERS = "suppliers"
ACCOUNTS = "accounts"
SUBACCOUNTS = "subaccounts"


@dataclass(frozen=True, slots=True)
class Lookup:
    rows: tuple[Row, ...]
    fetched_at: datetime
    # Every match is in ``rows`` (the ERP's answer was not cut off at a page).
    complete: bool
    from_cache: bool


def _ttl() -> int:
    return int(settings.OPERATIONS_LOOKUP_CACHE_SECONDS)


def _version_key(tenant: Tenant, kind: str) -> str:
    return f"{PREFIX}{tenant.pk}:{kind}:version"


def _key(tenant: Tenant, kind: str, version: int, key: str) -> str:
    digest = hashlib.blake2b(key.encode(), digest_size=12).hexdigest()
    return f"{PREFIX}{tenant.pk}:{kind}:{version}:{digest}"


def _version(tenant: Tenant, kind: str) -> int:
    return int(cache.get(_version_key(tenant, kind)) or 0)


def cached(
    tenant: Tenant,
    kind: str,
    key: str,
    fetch: Callable[[], tuple[Sequence[Row], bool]],
) -> Lookup:
    """The cached answer, else ``fetch()`` (rows, complete) stored for next time."""
    name = _key(tenant, kind, _version(tenant, kind), key)
    stored = cache.get(name)
    if stored is not None:
        rows, complete, fetched_at = stored
        return Lookup(tuple(rows), datetime.fromisoformat(fetched_at), complete, True)
    rows, complete = fetch()
    fetched_at = datetime.now(UTC)
    cache.set(name, (list(rows), complete, fetched_at.isoformat()), _ttl())
    return Lookup(tuple(rows), fetched_at, complete, False)


def search(
    tenant: Tenant,
    kind: str,
    query: str,
    fetch: Callable[[str], tuple[Sequence[Row], bool]],
    matches: Callable[[Row, str], bool],
    *,
    min_length: int = 1,
) -> Lookup:
    """Rows of ``kind`` matching ``query``. A complete cached answer for a shorter query that
    ``query`` starts with is narrowed locally with ``matches(row, query)``: no new ERP call."""
    query = query.strip()
    version = _version(tenant, kind)
    # People type forwards, so the answers that can hold this one are those for its prefixes;
    # they are read in one round trip, longest first.
    prefixes = [query[:length] for length in range(len(query) - 1, min_length - 1, -1)]
    names = {_key(tenant, kind, version, f"search:{p.casefold()}"): p for p in prefixes}
    stored_answers = cache.get_many(list(names)) if names else {}
    for name in names:
        stored = stored_answers.get(name)
        if stored is None or not stored[1]:
            continue
        rows, _, fetched_at = stored
        narrowed = tuple(row for row in rows if matches(row, query))
        return Lookup(narrowed, datetime.fromisoformat(fetched_at), True, True)
    return cached(tenant, kind, f"search:{query.casefold()}", lambda: fetch(query))


def forget(tenant: Tenant, kind: str) -> None:
    """Every cached answer of ``kind`` for ``tenant`` is stale from now on."""
    name = _version_key(tenant, kind)
    if not cache.add(name, 1, None):
        try:
            cache.incr(name)
        except ValueError:
            cache.set(name, 1, None)
