"""The real Visma specs the project ships, read once per process into operations a person can pick.

Framework-free: the standard library, erpclient's filter conditions and the OpenAPI 3.0 schema
validator. ``specs()`` is cached; everything in it is immutable.
"""

from __future__ import annotations

import enum
import functools
import gzip
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from erpclient.config import Service
from erpclient.filters import Condition

DATA_DIR = Path(__file__).resolve().parent / "data"

METHODS = ("get", "post", "put", "patch", "delete")
LOCATIONS = ("path", "query", "header")
# The ERP's date and amount filters take a value and a separate "…Condition" operator
# (``lastModifiedDateTime`` + ``lastModifiedDateTimeCondition``), spelled as erpclient spells them.
CONDITION_SUFFIX = "Condition"
CONDITION_OPERATORS: tuple[str, ...] = tuple(condition.value for condition in Condition)


class Api(enum.StrEnum):
    FINANCIALS = "financials"
    SALESORDERS = "salesorders"

    @property
    def label(self) -> str:
        return {"financials": "Financials API", "salesorders": "SalesOrders v3"}[self.value]

    @property
    def file_name(self) -> str:
        return {
            "financials": "financials-oas3-2025-05.json.gz",
            "salesorders": "salesorders-v3-1.0.14.784.json.gz",
        }[self.value]

    @property
    def service(self) -> Service:
        return Service.ERP if self is Api.FINANCIALS else Service.SALESORDER


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    location: str
    required: bool
    description: str
    type: str
    format: str = ""
    enum: tuple[str, ...] = ()
    default: Any = None
    # Declared by the portal, not the spec (the v3 service wants If-Match it does not declare).
    added: bool = False

    @property
    def is_condition(self) -> bool:
        return self.location == "query" and self.name.endswith(CONDITION_SUFFIX)

    @property
    def kind(self) -> str:
        """How a form asks for it: condition, choice, boolean, integer, number, date-time,
        list or text."""
        if self.is_condition:
            return "condition"
        if self.enum:
            return "choice"
        if self.type in ("boolean", "integer", "number", "array"):
            return "list" if self.type == "array" else self.type
        if self.format == "date-time":
            return "date-time"
        return "text"


@dataclass(frozen=True, slots=True)
class OperationSpec:
    api: Api
    method: str
    path: str
    operation_id: str
    tag: str
    summary: str
    description: str
    deprecated: bool
    parameters: tuple[Parameter, ...]
    body_schema: Mapping[str, Any] | None
    body_required: bool
    body_description: str
    responses: tuple[str, ...]
    search_text: str = field(repr=False, default="")

    @property
    def key(self) -> str:
        return f"{self.api.value}.{self.operation_id}"

    @property
    def is_write(self) -> bool:
        return self.method != "GET"

    @property
    def title(self) -> str:
        first = self.summary.split("\n", 1)[0].strip()
        return first or self.operation_id

    def of(self, location: str) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == location)


def _text(value: Any) -> str:
    return str(value or "").replace("\r\n", "\n").strip()


def _parameter(raw: Mapping[str, Any]) -> Parameter | None:
    location = raw.get("in")
    if location not in LOCATIONS or not raw.get("name"):
        return None
    schema = raw.get("schema") or {}
    return Parameter(
        name=str(raw["name"]),
        location=location,
        required=bool(raw.get("required")) or location == "path",
        description=_text(raw.get("description")),
        type=str(schema.get("type") or "string"),
        format=str(schema.get("format") or ""),
        enum=tuple(str(value) for value in schema.get("enum") or ()),
        default=schema.get("default"),
    )


# SalesOrders v3 changes an order only with If-Match (428 without), but the 1.0.14 spec does not
# declare the header: the form offers it on every v3 change of an existing order.
_V3_IF_MATCH = Parameter(
    name="If-Match",
    location="header",
    required=False,
    description="The ETag of the order as you last read it (GET answers carry it). The service "
    "refuses a change without it (428) and a change of a version that moved on (412).",
    type="string",
    added=True,
)


def _operations(api: Api, document: Mapping[str, Any]) -> Iterable[OperationSpec]:
    for path, item in document.get("paths", {}).items():
        shared = [p for p in (item.get("parameters") or ()) if isinstance(p, dict)]
        for method in METHODS:
            raw = item.get(method)
            if not isinstance(raw, dict):
                continue
            parameters = [_parameter(p) for p in (*shared, *(raw.get("parameters") or ()))]
            params = tuple(p for p in parameters if p is not None)
            if (
                api is Api.SALESORDERS
                and method in ("put", "patch", "delete", "post")
                and "{orderId}" in path
                and not any(p.name.lower() == "if-match" for p in params)
            ):
                params = (*params, _V3_IF_MATCH)
            body = raw.get("requestBody") or {}
            content = body.get("content") or {}
            schema = None
            for media in ("application/json", "text/json", "application/*+json"):
                if media in content:
                    schema = content[media].get("schema")
                    break
            tag = (raw.get("tags") or ["Other"])[0]
            operation_id = str(raw.get("operationId") or f"{method}_{path}")
            summary = _text(raw.get("summary"))
            yield OperationSpec(
                api=api,
                method=method.upper(),
                path=path,
                operation_id=operation_id,
                tag=str(tag),
                summary=summary,
                description=_text(raw.get("description")),
                deprecated=bool(raw.get("deprecated")),
                parameters=params,
                body_schema=schema,
                body_required=bool(body.get("required")),
                body_description=_text(body.get("description")),
                responses=tuple(str(code) for code in (raw.get("responses") or {})),
                search_text=" ".join(
                    (method, path, operation_id, str(tag), summary, api.label)
                ).casefold(),
            )


@dataclass(frozen=True, slots=True)
class Group:
    api: Api
    tag: str
    operations: tuple[OperationSpec, ...]


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def _request_schemas(
    document: Mapping[str, Any], operations: Iterable[OperationSpec]
) -> dict[str, Any]:
    """The component schemas the request bodies reach: all a body check needs. The rest (the
    answers' schemas, most of the Financials spec) is not kept in memory."""
    schemas = document.get("components", {}).get("schemas", {})
    wanted: set[str] = set()
    _refs([op.body_schema for op in operations if op.body_schema is not None], wanted)
    kept: dict[str, Any] = {}
    while wanted:
        name = wanted.pop()
        if name in kept or name not in schemas:
            continue
        kept[name] = schemas[name]
        found: set[str] = set()
        _refs(schemas[name], found)
        wanted |= found - kept.keys()
    return kept


class Specs:
    """Both specs: every operation, grouped by API and tag as Swagger UI does, and of each
    document what the request bodies need (``document(api)``: its info and the component
    schemas the bodies reach)."""

    def __init__(self, documents: Mapping[Api, Mapping[str, Any]]) -> None:
        operations: list[OperationSpec] = []
        self.documents: dict[Api, dict[str, Any]] = {}
        for api, document in documents.items():
            found = list(_operations(api, document))
            operations.extend(found)
            self.documents[api] = {
                "openapi": document.get("openapi"),
                "info": document.get("info"),
                "components": {"schemas": _request_schemas(document, found)},
            }
        order = {method.upper(): index for index, method in enumerate(METHODS)}
        operations.sort(key=lambda op: (op.api.value, op.tag.casefold(), op.path, order[op.method]))
        self.operations = tuple(operations)
        self.by_key = {op.key: op for op in self.operations}
        self._by_route = {(op.api, op.method, op.path): op for op in self.operations}

    def get(self, key: str) -> OperationSpec | None:
        return self.by_key.get(key)

    def read_of(self, op: OperationSpec) -> OperationSpec | None:
        """The GET of the same address (what a 412 sends you back to read), if the spec has one."""
        return self._by_route.get((op.api, "GET", op.path))

    def search(self, query: str = "") -> tuple[OperationSpec, ...]:
        """Operations whose method, path, operation id, tag or summary hold every word."""
        words = query.casefold().split()
        if not words:
            return self.operations
        return tuple(op for op in self.operations if all(w in op.search_text for w in words))

    def groups(self, operations: Iterable[OperationSpec] | None = None) -> list[Group]:
        grouped: dict[tuple[Api, str], list[OperationSpec]] = {}
        for op in self.operations if operations is None else operations:
            grouped.setdefault((op.api, op.tag), []).append(op)
        return [Group(api, tag, tuple(ops)) for (api, tag), ops in grouped.items()]

    def document(self, api: Api) -> Mapping[str, Any]:
        return self.documents[api]


def read_document(api: Api) -> dict[str, Any]:
    """The whole spec as shipped (``specs()`` keeps only what the console needs of it)."""
    return json.loads(gzip.decompress((DATA_DIR / api.file_name).read_bytes()))


@functools.cache
def specs() -> Specs:
    """The specs, read once per process."""
    return Specs({api: read_document(api) for api in Api})
