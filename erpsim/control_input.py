"""Reading control-API input: one JSON object, known fields only, clear refusals (400/404)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from erpsim.call import Call
from erpsim.errors import ApiError
from erpsim.financials.common import parse_moment
from erpsim.replies import json_reply

if TYPE_CHECKING:
    from erpsim.app import SandboxApp
    from erpsim.state import Company, Tenant


def refuse(message: str, status: int = 400) -> ApiError:
    return ApiError(json_reply(status, {"error": message}))


def body(call: Call, allowed: set[str], required: set[str] = frozenset()) -> dict[str, Any]:
    # The app has already refused anything but application/json on control writes.
    try:
        data = call.json_body() if call.body else {}
    except (ValueError, UnicodeDecodeError) as error:
        raise refuse(f"The body is not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise refuse("The body must be a JSON object.")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise refuse(
            f"Unknown field(s): {', '.join(unknown)}. Allowed: {', '.join(sorted(allowed))}."
        )
    missing = sorted(required - set(data))
    if missing:
        raise refuse(f"Missing field(s): {', '.join(missing)}.")
    return data


def text(data: dict[str, Any], name: str, *, optional: bool = False) -> str | None:
    value = data.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise refuse(f"{name} must be a non-empty string.")
    return value.strip()


def tenant_of(app: SandboxApp, tenant_id: str) -> Tenant:
    tenant = app.sandbox.tenant(tenant_id)
    if tenant is None:
        raise refuse(f"No tenant {tenant_id}.", 404)
    return tenant


def company_of(app: SandboxApp, tenant_id: str) -> Company:
    return app.sandbox.companies[tenant_of(app, tenant_id).company_id]


def choice(data: dict[str, Any], name: str, allowed: tuple[str, ...]) -> str:
    value = data[name]
    if value not in allowed:
        raise refuse(f"{name} must be one of: {', '.join(allowed)}.")
    return value


def moment(data: dict[str, Any], name: str) -> datetime:
    value = data[name]
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return parse_moment(value)
    except ValueError:
        raise refuse(f"{name} must be an ISO 8601 date or date-time.") from None
