"""Paging and parsing for SalesOrders v3 (zero-based ``pageIndex``, ProblemDetails on error)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from erpsim import errors
from erpsim.call import Call
from erpsim.errors import ApiError
from erpsim.financials.common import parse_moment


def bad_request(detail: str) -> ApiError:
    return ApiError(errors.problem(400, detail))


def not_found(detail: str) -> ApiError:
    return ApiError(errors.problem(404, detail))


def int_arg(call: Call, name: str, default: int, minimum: int) -> int:
    raw = call.arg(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"The value '{raw}' is not valid for {name}.") from None
    if value < minimum:
        raise bad_request(f"{name} must be {minimum} or more.")
    return value


def moment_arg(call: Call, name: str) -> datetime | None:
    raw = call.arg(name)
    if raw is None or raw == "":
        return None
    try:
        return parse_moment(raw)
    except ValueError:
        raise bad_request(f"The value '{raw}' is not a valid date-time for {name}.") from None


def paged(
    call: Call, items: list[Any], *, default_size: int, max_size: int
) -> tuple[list[Any], dict[str, Any]]:
    """One page of ``items`` plus the ``totalCount`` / ``nextPage`` fields of a PagedResult."""
    size = min(int_arg(call, "pageSize", default_size, 1), max_size)
    index = int_arg(call, "pageIndex", 0, 0)
    start = index * size
    page = items[start : start + size]
    next_page = None
    if start + size < len(items):
        original = parse_qsl(call.query_string, keep_blank_values=True)
        query = [(k, v) for k, v in original if k.lower() != "pageindex"]
        query.append(("pageIndex", str(index + 1)))
        next_page = f"{call.base_url}{call.path}?{urlencode(query)}"
    return page, {"totalCount": len(items), "nextPage": next_page}
