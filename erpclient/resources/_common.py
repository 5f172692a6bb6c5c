"""Small readers and checks the resources share."""

from __future__ import annotations

import json
from typing import Any

from .._reply import Reply
from ..etag import HasEtag, format_if_match
from ..models.background import BackgroundAccepted


def json_body(reply: Reply) -> Any:
    """The JSON body; a 2xx that is not JSON is an unexpected answer (ValueError)."""
    return json.loads(reply.content)


def json_list(reply: Reply) -> list[dict[str, Any]]:
    data = json_body(reply)
    if not isinstance(data, list):
        raise ValueError("expected a JSON array")
    return [item for item in data if isinstance(item, dict)]


def json_object(reply: Reply) -> dict[str, Any]:
    data = json_body(reply)
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    return data


def parse_accepted(reply: Reply) -> BackgroundAccepted:
    """A 202 ``BackgroundApiAcceptedDto``; the ``Location`` header stands in for a missing
    ``stateLocation``."""
    data: dict[str, Any] = {}
    if reply.content:
        data = json_object(reply)
    location = reply.headers.get("location")
    accepted = BackgroundAccepted.from_dict(data, ratelimit=reply.ratelimit)
    if accepted.state_location is None and location:
        data = {**data, "stateLocation": location}
        accepted = BackgroundAccepted.from_dict(data, ratelimit=reply.ratelimit)
    if not accepted.id and not accepted.state_location:
        raise ValueError("a 202 without an id or a state location")
    return accepted


def if_match_header(value: str | HasEtag | None) -> str | None:
    return None if value is None else format_if_match(value)
