"""Read the error bodies the Visma services send, whatever their shape.

Shapes handled (see the facts file, section 5 and 3):
- Financials ``IPPException``: ``ExceptionType``, ``ExceptionMessage``, ``ExceptionFaultCode``,
  ``ExceptionMessageID`` (some clients see ``FaultCode``/``MessageID`` without the prefix);
- the ASP.NET default ``{"Message": ...}`` and the API-gateway ``{"statusCode", "message"}``;
- SalesOrders v3 ``ProblemDetails`` and ``SalesOrderValidationProblemDetails`` (``errors`` and
  ``details[].parameters.property``);
- OAuth2 ``{"error", "error_description"}`` from Visma Connect;
- anything else: the text itself, shortened.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ._reply import Reply

_VISMA_ID = re.compile(r"^\s*VismaId:\s*([0-9a-fA-F-]{8,})\.?\s*", re.IGNORECASE)
_LINE_FIELD = re.compile(r"^orderLines\[(\d+)\]\.(.+)$")
_MAX_TEXT = 500


@dataclass(slots=True)
class ErrorBody:
    """What an error body said, in one shape."""

    data: Any = None
    message: str | None = None
    fault_code: str | None = None
    message_id: str | None = None
    exception_type: str | None = None
    visma_id: str | None = None
    oauth_error: str | None = None
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    line_errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    error_codes: list[tuple[str, str, str | None]] = field(default_factory=list)


def decode_body(reply: Reply) -> Any:
    """The body as JSON when it is JSON, else as text (``None`` when empty)."""
    content = reply.content
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return content[:_MAX_TEXT].decode("utf-8", errors="replace")


def _lower_keys(data: dict[str, Any]) -> dict[str, Any]:
    return {str(key).lower(): value for key, value in data.items()}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def normalise_field(name: str) -> str:
    """``$.OrderLines[2].InventoryId`` -> ``orderLines[2].inventoryId`` (the request's spelling)."""
    name = name.strip()
    if name.startswith("$."):
        name = name[2:]
    elif name.startswith("$"):
        name = name[1:]
    parts = [part[:1].lower() + part[1:] for part in name.split(".") if part]
    return ".".join(parts)


def _add(target: dict[Any, list[str]], key: Any, message: str) -> None:
    messages = target.setdefault(key, [])
    if message not in messages:
        messages.append(message)


def _place_field_error(body: ErrorBody, raw_name: str, message: str) -> None:
    name = normalise_field(raw_name)
    line = _LINE_FIELD.match(name)
    if line:
        index, line_field = int(line.group(1)), line.group(2)
        _add(body.line_errors.setdefault(index, {}), line_field, message)
    else:
        _add(body.field_errors, name, message)


def _read_problem_details(body: ErrorBody, data: dict[str, Any]) -> None:
    errors = data.get("errors")
    if isinstance(errors, dict):
        for name, messages in errors.items():
            if isinstance(messages, str):
                messages = [messages]
            for message in messages or ():
                _place_field_error(body, str(name), str(message))
    details = data.get("details")
    if isinstance(details, list):
        for detail in details:
            if not isinstance(detail, dict):
                continue
            code = _text(detail.get("code")) or ""
            message = _text(detail.get("message")) or code
            parameters = detail.get("parameters")
            prop = parameters.get("property") if isinstance(parameters, dict) else None
            prop = _text(prop)
            body.error_codes.append((code, message, prop))
            if prop:
                _place_field_error(body, prop, message)
    # The detail is the specific sentence; the title ("Conflict", "Forbidden") only repeats the
    # status, so it is the message only when there is no detail.
    body.message = _text(data.get("detail")) or _text(data.get("title"))


def _read_ipp_exception(body: ErrorBody, lowered: dict[str, Any]) -> None:
    body.exception_type = _text(lowered.get("exceptiontype"))
    message = _text(lowered.get("exceptionmessage"))
    if message:
        visma = _VISMA_ID.match(message)
        if visma:
            body.visma_id = visma.group(1)
            message = message[visma.end() :].strip() or message
    body.message = message
    body.fault_code = _text(lowered.get("exceptionfaultcode") or lowered.get("faultcode"))
    body.message_id = _text(lowered.get("exceptionmessageid") or lowered.get("messageid"))


def parse_error_body(data: Any) -> ErrorBody:
    """Turn any decoded error body into an ``ErrorBody``; never raises."""
    body = ErrorBody(data=data)
    if isinstance(data, str):
        body.message = _text(data)
        return body
    if not isinstance(data, dict):
        return body
    lowered = _lower_keys(data)
    if "exceptionmessage" in lowered or "exceptionfaultcode" in lowered or "faultcode" in lowered:
        _read_ipp_exception(body, lowered)
    elif "error" in lowered and isinstance(lowered["error"], str):
        body.oauth_error = lowered["error"]
        body.message = _text(lowered.get("error_description")) or lowered["error"]
    elif "errors" in data or "details" in data or "title" in data:
        _read_problem_details(body, data)
    if body.message is None:
        body.message = _text(lowered.get("message"))
    return body
