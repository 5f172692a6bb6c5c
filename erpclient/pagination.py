"""One paging vocabulary for every list, whatever the service calls its pages.

Every listing resource has ``page(page_number=1, page_size=…, **filters)`` (one ``Page``) and
``list(page_size=…, **filters)`` (every item, page after page). Page numbers start at 1
everywhere: the Financials API's ``pageNumber`` is the same number, the SalesOrders v3 service's
zero-based ``pageIndex`` is one less, and only the operations in ``resources/`` know that.

This module reads answers into ``PageData`` without any I/O; ``Page`` and ``AsyncPage`` add the
fetching of further pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from ._reply import Reply
from .ratelimit import RateLimitInfo
from .resources._common import json_list, json_object

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

DEFAULT_PAGE_SIZE = 100


class Readable(Protocol[T_co]):
    """A model class that reads itself from one JSON object of a list."""

    def from_dict(self, data: dict[str, Any], *, ratelimit: RateLimitInfo | None) -> T_co: ...


@dataclass(frozen=True, slots=True)
class PageData(Generic[T]):
    """One page as read from the answer: its items and what is known about the others."""

    items: list[T]
    page_number: int
    page_size: int
    total_count: int | None
    has_next: bool
    ratelimit: RateLimitInfo | None


def check_paging(page_number: int, page_size: int) -> None:
    if not isinstance(page_number, int) or isinstance(page_number, bool) or page_number < 1:
        raise ValueError("page number must be 1 or more")
    if not isinstance(page_size, int) or isinstance(page_size, bool) or page_size < 1:
        raise ValueError("page size must be 1 or more")


def financials_has_next(
    count: int, page_number: int, page_size: int, max_page_size: int | None, total: int | None
) -> bool:
    """Whether a Financials list has more pages.

    The API silently caps ``pageSize`` at ``metadata.maxPageSize``, so a short page only means
    "last page" when compared with the size the API really used.
    """
    effective = min(page_size, max_page_size) if max_page_size else page_size
    if total is not None:
        return (page_number - 1) * effective + count < total
    return count > 0 and count >= effective


def read_financials_page(
    reply: Reply, model: Readable[T], page_number: int, page_size: int
) -> PageData[T]:
    """A Financials list: a JSON array whose items each carry ``metadata {totalCount,
    maxPageSize}``."""
    ratelimit = reply.ratelimit
    items = [model.from_dict(row, ratelimit=ratelimit) for row in json_list(reply)]
    meta = getattr(items[0], "metadata", None) if items else None
    total = meta.total_count if meta else None
    max_size = meta.max_page_size if meta else None
    has_next = financials_has_next(len(items), page_number, page_size, max_size, total)
    return PageData(items, page_number, page_size, total, has_next, ratelimit)


def read_v3_page(reply: Reply, model: Readable[T], page_number: int, page_size: int) -> PageData[T]:
    """A SalesOrders v3 ``…PagedResult``: ``{"value": [...], "totalCount": n, "nextPage": url}``."""
    data = json_object(reply)
    ratelimit = reply.ratelimit
    rows = data.get("value") or []
    if not isinstance(rows, list):
        raise ValueError("'value' is not a list")
    items = [model.from_dict(row, ratelimit=ratelimit) for row in rows if isinstance(row, dict)]
    total = data.get("totalCount")
    total = total if isinstance(total, int) else None
    if "nextPage" in data:
        has_next = bool(data.get("nextPage"))
    elif total is not None:
        has_next = page_number * page_size < total
    else:
        has_next = len(items) >= page_size
    return PageData(items, page_number, page_size, total, has_next, ratelimit)


def v3_paging(page_number: int, page_size: int) -> dict[str, int]:
    """The v3 service's query parameters for a page: its ``pageIndex`` counts from 0."""
    check_paging(page_number, page_size)
    return {"pageIndex": page_number - 1, "pageSize": page_size}


def financials_paging(page_number: int, page_size: int) -> dict[str, int]:
    """The Financials API's query parameters for a page: its ``pageNumber`` counts from 1."""
    check_paging(page_number, page_size)
    return {"pageNumber": page_number, "pageSize": page_size}
