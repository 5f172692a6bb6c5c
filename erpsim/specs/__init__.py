"""Trimmed copies of the real Visma OpenAPI specs (see README.md for provenance)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_HERE = Path(__file__).parent

FINANCIALS = "visma-net-erp-api-openapi3-v1-2025-05.trimmed.json"
LEGACY = "visma-net-erp-api-swagger2-v9.11.0.1001.trimmed.json"
SALESORDERS = "visma-net-salesorders-v3-openapi-1.0.14.784.json"


@cache
def load(name: str) -> dict[str, Any]:
    with (_HERE / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def schema(spec_name: str, schema_name: str) -> dict[str, Any]:
    spec = load(spec_name)
    if "components" in spec:
        return spec["components"]["schemas"][schema_name]
    return spec["definitions"][schema_name]


def enum(spec_name: str, schema_name: str, property_name: str) -> tuple[str, ...]:
    """The values a spec allows for one property of one schema, in the spec's order."""
    return tuple(schema(spec_name, schema_name)["properties"][property_name]["enum"])
