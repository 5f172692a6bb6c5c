"""Check a request body against a schema of the real SO-v3 spec, the way the service reports it.

Each problem becomes a ``details[]`` entry with a code from the spec's ``x-visma-erp-error-codes``
and ``parameters.property`` naming the field (``customer.id``, ``orderLines[0].inventoryId``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from erpsim.specs import SALESORDERS, load

NULL_NOT_ALLOWED = "0001-NullNotAllowed"
EMPTY_NOT_ALLOWED = "0001-EmptyNotAllowed"
INVALID_LENGTH = "0002-InvalidLength"
INVALID_VALUE = "0003-InvalidValue"
VALUE_NOT_ALLOWED = "0004-ValueNotAllowed"
OUTSIDE_RANGE = "0100-OutsideValidRange"

_INT32 = (-(2**31), 2**31 - 1)


def error_messages() -> dict[str, str]:
    codes = load(SALESORDERS)["components"]["x-visma-erp-error-codes"]
    return {entry["code"]: entry["description"].strip() for entry in codes}


MESSAGES = error_messages()


def detail(code: str, prop: str, **parameters: Any) -> dict[str, Any]:
    return {
        "code": code,
        "message": MESSAGES.get(code, code),
        "parameters": {"property": prop, **parameters},
    }


def check(value: Any, schema_name: str) -> list[dict[str, Any]]:
    problems: list[dict[str, Any]] = []
    _walk(value, {"$ref": f"#/components/schemas/{schema_name}"}, "", problems)
    return problems


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    spec = load(SALESORDERS)
    while "$ref" in schema or ("allOf" in schema and len(schema["allOf"]) == 1):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            nullable = schema.get("nullable", False)
            schema = dict(spec["components"]["schemas"][name])
            if nullable:
                schema["nullable"] = True
        else:
            schema = {**schema["allOf"][0], **{k: v for k, v in schema.items() if k != "allOf"}}
    return schema


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _walk(value: Any, schema: dict[str, Any], path: str, problems: list[dict[str, Any]]) -> None:
    schema = _resolve(schema)
    if value is None:
        if not schema.get("nullable", False):
            problems.append(detail(NULL_NOT_ALLOWED, path or "$"))
        return
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        _walk_object(value, schema, path, problems)
    elif kind == "array":
        if not isinstance(value, list):
            problems.append(detail(INVALID_VALUE, path, expected="array"))
            return
        for index, item in enumerate(value):
            _walk(item, schema.get("items", {}), f"{path}[{index}]", problems)
    elif kind == "string":
        _check_string(value, schema, path, problems)
    elif kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(detail(INVALID_VALUE, path, expected="integer"))
        elif schema.get("format") == "int32" and not _INT32[0] <= value <= _INT32[1]:
            problems.append(detail(OUTSIDE_RANGE, path))
        else:
            _check_range(value, schema, path, problems)
    elif kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(detail(INVALID_VALUE, path, expected="number"))
        else:
            _check_range(value, schema, path, problems)
    elif kind == "boolean" and not isinstance(value, bool):
        problems.append(detail(INVALID_VALUE, path, expected="boolean"))


def _walk_object(
    value: Any, schema: dict[str, Any], path: str, problems: list[dict[str, Any]]
) -> None:
    if not isinstance(value, dict):
        problems.append(detail(INVALID_VALUE, path or "$", expected="object"))
        return
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for name in schema.get("required", []):
        if name not in value:
            problems.append(detail(NULL_NOT_ALLOWED, _join(path, name)))
    for name, item in value.items():
        if name in properties:
            _walk(item, properties[name], _join(path, name), problems)
        elif extra is False:
            # additionalProperties:false in the spec: an unknown member is refused, not ignored.
            problems.append(detail(VALUE_NOT_ALLOWED, _join(path, name), reason="unknown property"))
        elif isinstance(extra, dict):
            _walk(item, extra, _join(path, name), problems)


def _check_string(
    value: Any, schema: dict[str, Any], path: str, problems: list[dict[str, Any]]
) -> None:
    if not isinstance(value, str):
        problems.append(detail(INVALID_VALUE, path, expected="string"))
        return
    minimum = schema.get("minLength")
    if minimum and len(value) < minimum:
        code = EMPTY_NOT_ALLOWED if not value.strip() else INVALID_LENGTH
        problems.append(detail(code, path, minLength=minimum))
        return
    maximum = schema.get("maxLength")
    if maximum is not None and len(value) > maximum:
        problems.append(detail(INVALID_LENGTH, path, maxLength=maximum))
        return
    fmt = schema.get("format")
    if fmt == "date-time" and not _is_datetime(value):
        problems.append(detail(INVALID_VALUE, path, expected="date-time"))
    elif fmt == "email" and value and "@" not in value:
        problems.append(detail(INVALID_VALUE, path, expected="email"))


def _check_range(
    value: float, schema: dict[str, Any], path: str, problems: list[dict[str, Any]]
) -> None:
    low, high = schema.get("minimum"), schema.get("maximum")
    if (low is not None and value < low) or (high is not None and value > high):
        problems.append(detail(OUTSIDE_RANGE, path, minimum=low, maximum=high))


def _is_datetime(text: str) -> bool:
    value = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True
