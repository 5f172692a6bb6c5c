"""Small readers and checks the resources share."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx

from ..etag import HasEtag, format_if_match
from ..models.background import BackgroundAccepted
from ..ratelimit import RateLimitInfo

if TYPE_CHECKING:
    from .._client import AsyncErpClient, ErpClient

    SyncClient = ErpClient
    AsyncClient = AsyncErpClient


def json_body(response: httpx.Response) -> Any:
    """The JSON body; a 2xx that is not JSON is an unexpected answer (ValueError)."""
    return json.loads(response.content)


def json_list(response: httpx.Response) -> list[dict[str, Any]]:
    data = json_body(response)
    if not isinstance(data, list):
        raise ValueError("expected a JSON array")
    return [item for item in data if isinstance(item, dict)]


def json_object(response: httpx.Response) -> dict[str, Any]:
    data = json_body(response)
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    return data


def parse_accepted(response: httpx.Response, ratelimit: RateLimitInfo | None) -> BackgroundAccepted:
    """A 202 ``BackgroundApiAcceptedDto``; the ``Location`` header stands in for a missing
    ``stateLocation``."""
    data: dict[str, Any] = {}
    if response.content:
        data = json_object(response)
    location = response.headers.get("location")
    accepted = BackgroundAccepted.from_dict(data, ratelimit=ratelimit)
    if accepted.state_location is None and location:
        data = {**data, "stateLocation": location}
        accepted = BackgroundAccepted.from_dict(data, ratelimit=ratelimit)
    if not accepted.id and not accepted.state_location:
        raise ValueError("a 202 without an id or a state location")
    return accepted


def if_match_header(value: str | HasEtag | None) -> str | None:
    return None if value is None else format_if_match(value)


def check_paging(page_index: int, page_size: int, *, max_size: int | None = None) -> None:
    if not isinstance(page_index, int) or page_index < 0:
        raise ValueError("page index must be 0 or more (page number 1 or more)")
    if not isinstance(page_size, int) or page_size < 1:
        raise ValueError("page size must be 1 or more")
    if max_size is not None and page_size > max_size:
        raise ValueError(f"page size must be at most {max_size}")
