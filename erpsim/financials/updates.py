"""``…UpdateDto`` bodies (PUT): every scalar wrapped as ``{"value": ...}``, checked against the
wrapper's own type in the OAS-2025 spec (``DtoValueOfString``, ``DtoValueOfBoolean``,
``DtoValueOfDateTime``, ``DtoValueOfNullableOfDecimal``, an enum, ...).

Lists (lines) and sub-objects are accepted when they have the right JSON type; the sandbox does
not simulate them. Dates come back in the ERP's date style; everything else as sent.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from erpsim.call import Call
from erpsim.demo_documents import iso_date
from erpsim.financials.common import bad_request, json_object, parse_moment
from erpsim.specs import FINANCIALS, load


@cache
def _fields(dto_name: str) -> dict[str, dict[str, Any]]:
    """Each property of the DTO, resolved to the schema a client writes for it."""
    schemas = load(FINANCIALS)["components"]["schemas"]
    resolved = {}
    for name, prop in schemas[dto_name]["properties"].items():
        ref = prop.get("$ref") or next(
            (p["$ref"] for p in prop.get("allOf", []) if "$ref" in p), ""
        )
        resolved[name] = schemas[ref.rsplit("/", 1)[-1]] if ref else prop
    return resolved


def parse_update(call: Call, dto_name: str) -> dict[str, Any]:
    """The scalar changes of a ``dto_name`` body; 415/400 in the IPPException shape otherwise."""
    fields = _fields(dto_name)
    body = json_object(call, dto_name, set(fields))
    changes: dict[str, Any] = {}
    for name, given in body.items():
        schema = fields[name]
        if schema.get("type") == "array":
            if not isinstance(given, list):
                raise bad_request(call, f"{name} must be an array.")
            continue  # accepted but not simulated: the sandbox keeps the lines as they are
        value_schema = schema.get("properties", {}).get("value")
        if value_schema is None:
            if not isinstance(given, dict):
                raise bad_request(call, f"{name} must be an object.")
            continue
        if not isinstance(given, dict) or set(given) - {"value"}:
            raise bad_request(call, f'{name} must be written as {{"value": ...}}.')
        changes[name] = _checked(call, name, given.get("value"), value_schema)
    return changes


def _checked(call: Call, name: str, value: Any, schema: dict[str, Any]) -> Any:
    if value is None:
        return None
    kind = schema.get("type")
    if "enum" in schema:
        if value not in schema["enum"]:
            raise bad_request(
                call,
                f"The value '{value}' is not valid for {name}. "
                f"Accepted values: {', '.join(schema['enum'])}.",
            )
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise bad_request(call, f"{name}.value must be true or false.")
        return value
    if kind in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad_request(call, f"{name}.value must be a number.")
        return float(value)
    if not isinstance(value, str):
        raise bad_request(call, f"{name}.value must be a string.")
    if schema.get("format") == "date-time":
        try:
            return iso_date(parse_moment(value))
        except ValueError:
            raise bad_request(
                call, f"The value '{value}' is not a valid date for {name}."
            ) from None
    return value
