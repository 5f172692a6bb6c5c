"""Request bodies: checked against the operation's schema before anything is sent, and a skeleton
to start from (Swagger UI's "Example Value").

The specs are OpenAPI 3.0, whose schemas are not quite JSON Schema (``nullable``, ``readOnly``):
the OpenAPI 3.0 write validator reads them as the ERP means them. A ``$ref`` resolves inside the
operation's own spec document.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema.exceptions import best_match
from openapi_schema_validator import OAS30WriteValidator, oas30_format_checker

from .loader import Api, OperationSpec, specs

# How many problems a refused body lists; the first ones are the ones to fix first.
MAX_PROBLEMS = 20
# A skeleton stops at this depth (a DTO that contains itself would never end).
SKELETON_DEPTH = 4


@dataclass(frozen=True, slots=True)
class BodyProblem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class BodyRefused(ValueError):
    """The body is not JSON, or the schema refuses it. Nothing was sent."""

    def __init__(self, problems: list[BodyProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _where(path: Any) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@functools.cache
def _validator(api: Api, schema_json: str) -> OAS30WriteValidator:
    document = specs().document(api)
    # The schema with the document's components beside it, so "#/components/..." resolves.
    root = {**json.loads(schema_json), "components": document.get("components", {})}
    return OAS30WriteValidator(root, format_checker=oas30_format_checker)


def parse_body(op: OperationSpec, text: str) -> Any:
    """The body as JSON, checked against ``op``'s schema; ``None`` when empty and optional.
    Raises ``BodyRefused`` with every problem found (up to ``MAX_PROBLEMS``)."""
    text = (text or "").strip()
    if not text:
        if op.body_schema is not None and op.body_required:
            raise BodyRefused([BodyProblem("", "This operation needs a JSON body.")])
        return None
    if op.body_schema is None:
        raise BodyRefused([BodyProblem("", "This operation takes no body; leave it empty.")])
    try:
        body = json.loads(text)
    except json.JSONDecodeError as error:
        raise BodyRefused(
            [
                BodyProblem(
                    f"line {error.lineno}, column {error.colno}",
                    f"not valid JSON ({error.msg})",
                )
            ]
        ) from error
    validator = _validator(op.api, json.dumps(op.body_schema, sort_keys=True))
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    if errors:
        problems = []
        for error in errors[:MAX_PROBLEMS]:
            error = best_match([error]) or error
            problems.append(BodyProblem(_where(error.absolute_path) or "body", error.message))
        raise BodyRefused(problems)
    return body


def _resolve(document: Mapping[str, Any], schema: Mapping[str, Any]) -> Mapping[str, Any]:
    seen = 0
    while "$ref" in schema and seen < 10:
        node: Any = document
        for part in str(schema["$ref"]).lstrip("#/").split("/"):
            node = node.get(part, {}) if isinstance(node, Mapping) else {}
        schema, seen = node, seen + 1
    return schema


def _skeleton(document: Mapping[str, Any], schema: Mapping[str, Any], depth: int) -> Any:
    schema = _resolve(document, schema)
    for combined in ("allOf", "oneOf", "anyOf"):
        if schema.get(combined):
            return _skeleton(document, schema[combined][0], depth)
    if "example" in schema:
        return schema["example"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth <= 0:
            return {}
        return {
            name: _skeleton(document, sub, depth - 1)
            for name, sub in (schema.get("properties") or {}).items()
            if not sub.get("readOnly")
        }
    if kind == "array":
        if depth <= 0:
            return []
        return [_skeleton(document, schema.get("items") or {}, depth - 1)]
    if schema.get("enum"):
        return schema["enum"][0]
    return {
        "integer": 0,
        "number": 0,
        "boolean": False,
        "string": "2026-01-01T00:00:00" if schema.get("format") == "date-time" else "",
    }.get(str(kind))


@functools.cache
def skeleton(key: str) -> str:
    """A body to start from for the operation ``key``, pretty-printed ("" when it takes none)."""
    op = specs().get(key)
    if op is None or op.body_schema is None:
        return ""
    document = specs().document(op.api)
    return json.dumps(
        _skeleton(document, op.body_schema, SKELETON_DEPTH), indent=2, ensure_ascii=False
    )
