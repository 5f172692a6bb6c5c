"""Query parsing and error helpers shared by the Financials handlers (IPPException on bad input)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from erpsim import errors
from erpsim.call import Call
from erpsim.errors import ApiError
from erpsim.replies import Reply, json_reply

# Both ERP services take JSON bodies under either name (ASP.NET's default input formatters).
JSON_TYPES = ("application/json", "text/json")

CONDITIONS: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt,
    "<": operator.lt,
    ">=": operator.ge,
    "<=": operator.le,
}


def bad_request(call: Call, message: str) -> ApiError:
    return ApiError(
        errors.ipp_exception(
            400, errors.visma_id_message(call.request_id, message), call.request_id
        )
    )


def failure(call: Call, status: int, message: str) -> ApiError:
    return ApiError(
        errors.ipp_exception(
            status, errors.visma_id_message(call.request_id, message), call.request_id
        )
    )


def int_arg(call: Call, name: str, *, default: int | None, minimum: int = 1) -> int | None:
    raw = call.arg(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(
            call, f"The value '{raw}' is not valid for {name}: a whole number is expected."
        ) from None
    if value < minimum:
        raise bad_request(call, f"{name} must be {minimum} or more.")
    return value


@dataclass(frozen=True)
class Paging:
    """``pageNumber`` (1-based) / ``pageSize``, or the deprecated ``skipRecords`` /
    ``numberToRead``; sizes above ``maxPageSize`` are silently capped (OAS-2025 list summaries)."""

    page_number: int
    page_size: int
    skip: int | None
    take: int | None
    max_page_size: int

    @classmethod
    def of(cls, call: Call, max_page_size: int) -> Paging:
        page_number = int_arg(call, "pageNumber", default=1)
        page_size = int_arg(call, "pageSize", default=max_page_size)
        assert page_number is not None and page_size is not None
        skip = int_arg(call, "skipRecords", default=None, minimum=0)
        take = int_arg(call, "numberToRead", default=None)
        if (skip is not None or take is not None) and (
            call.arg("pageNumber") or call.arg("pageSize")
        ):
            raise bad_request(
                call,
                "pageNumber and pageSize do not work with numberToRead and skipRecords; "
                "use one pair.",
            )
        if take is not None and skip is None:
            skip = 0
        return cls(page_number, min(page_size, max_page_size), skip, take, max_page_size)

    def window(self, found: list[Any]) -> list[Any]:
        if self.skip is None:
            start = (self.page_number - 1) * self.page_size
            return found[start : start + self.page_size]
        return found[self.skip : self.skip + (self.take or self.max_page_size)]


def listed(call: Call, max_page_size: int, items: list[dict[str, Any]]) -> Reply:
    """One page of DTOs, each with ``metadata {totalCount, maxPageSize}`` (OAS-2025 lists)."""
    window = Paging.of(call, max_page_size).window(items)
    metadata = {"totalCount": len(items), "maxPageSize": max_page_size}
    return json_reply(200, [{**item, "metadata": metadata} for item in window])


def json_object(call: Call, dto_name: str, fields: set[str] | frozenset[str]) -> dict[str, Any]:
    """The body as one JSON object of known ``dto_name`` fields; 415/400 otherwise."""
    if call.content_type not in JSON_TYPES:
        raise failure(call, 415, f"Send the body ({dto_name}) as application/json.")
    try:
        body = call.json_body()
    except (ValueError, UnicodeDecodeError) as error:
        raise bad_request(call, f"The request body is not valid JSON: {error}") from None
    if not isinstance(body, dict):
        raise bad_request(call, f"The request body must be a JSON object ({dto_name}).")
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise bad_request(call, f"Unknown field(s) for {dto_name}: {', '.join(unknown)}.")
    return body


def find_document(
    call: Call,
    documents: dict[tuple[str, str], dict[str, Any]],
    number: str,
    requested_type: str | None,
    types: tuple[str, ...],
    noun: str,
    type_name: str,
) -> dict[str, Any]:
    """An AP document by type and number, or by number alone, where the first of ``types``
    that has the number wins (keyed lookups, no scan); 400 for an unknown type, 404 if none."""
    if requested_type is not None:
        kind = next((t for t in types if t.lower() == requested_type.lower()), None)
        if kind is None:
            raise bad_request(
                call,
                f"The value '{requested_type}' is not a valid {type_name}. "
                f"Accepted: {', '.join(types)}.",
            )
        found = documents.get((kind, number))
    else:
        found = next((documents[(k, number)] for k in types if (k, number) in documents), None)
    if found is None:
        kind_text = f"{requested_type} " if requested_type else ""
        raise failure(call, 404, f"{noun.capitalize()} {kind_text}'{number}' was not found.")
    return found


def bool_arg(call: Call, name: str) -> bool:
    raw = call.arg(name)
    if raw is None or raw == "":
        return False
    lowered = raw.lower()
    if lowered not in ("true", "false"):
        raise bad_request(call, f"The value '{raw}' is not valid for {name}: use true or false.")
    return lowered == "true"


def enum_arg(call: Call, name: str, allowed: tuple[str, ...]) -> str | None:
    raw = call.arg(name)
    if raw is None or raw == "":
        return None
    for value in allowed:
        if value.lower() == raw.lower():
            return value
    raise bad_request(
        call, f"The value '{raw}' is not valid for {name}. Accepted values: {', '.join(allowed)}."
    )


@lru_cache(maxsize=65_536)
def parse_moment(text: str) -> datetime:
    """ISO 8601 date or date-time; naive values are taken as UTC. Raises ValueError."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def date_filter(call: Call, name: str) -> tuple[Callable[[Any, Any], bool], datetime] | None:
    """``name`` plus ``nameCondition`` (mutually inclusive, KB "DateTime parameters")."""
    raw = call.arg(name)
    condition = call.arg(f"{name}Condition")
    if (raw in (None, "")) and (condition in (None, "")):
        return None
    if raw in (None, "") or condition in (None, ""):
        raise bad_request(call, f"{name} and {name}Condition are mutually inclusive: send both.")
    assert raw is not None and condition is not None
    compare = CONDITIONS.get(condition.strip())
    if compare is None:
        raise bad_request(
            call, f"The value '{condition}' is not valid for {name}Condition. Use >, <, >= or <=."
        )
    try:
        moment = parse_moment(raw)
    except ValueError:
        raise bad_request(
            call,
            f"The value '{raw}' is not a valid date for {name}. "
            "Use yyyy-MM-dd or yyyy-MM-ddTHH:mm:ss.",
        ) from None
    return compare, moment


def number_filter(call: Call, name: str) -> tuple[Callable[[Any, Any], bool], float] | None:
    raw = call.arg(name)
    condition = call.arg(f"{name}Condition")
    if raw in (None, "") and condition in (None, ""):
        return None
    if raw in (None, "") or condition in (None, ""):
        raise bad_request(call, f"{name} and {name}Condition are mutually inclusive: send both.")
    assert raw is not None and condition is not None
    compare = CONDITIONS.get(condition.strip())
    if compare is None:
        raise bad_request(call, f"The value '{condition}' is not valid for {name}Condition.")
    try:
        return compare, float(raw)
    except ValueError:
        raise bad_request(call, f"The value '{raw}' is not a valid number for {name}.") from None


def etag_matches(if_match: str, current: str) -> bool:
    """RFC 7232 If-Match: ``*``, a list, quoted or bare values, weak prefixes tolerated."""
    for candidate in if_match.split(","):
        value = candidate.strip()
        if value == "*":
            return True
        if value.startswith("W/"):
            value = value[2:]
        if value.strip('"') == current:
            return True
    return False


def quoted(etag: str) -> str:
    return f'"{etag}"'


def precondition_failed(call: Call) -> ApiError:
    return failure(call, 412, "Supplier invoice version does not match with If-Match header")


def with_etag(reply: Reply, etag: str) -> Reply:
    reply.headers.append(("ETag", quoted(etag)))
    return reply
