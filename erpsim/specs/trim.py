"""Cut a large OpenAPI / Swagger document down to some paths and the schemas they reference.

Usage: python -m erpsim.specs.trim SOURCE DEST --keep REGEX [--keep REGEX ...] [--schema NAME ...]
[--yaml]
The result keeps every other top-level key (info, servers, securitySchemes, x-* extensions) and is
written as sorted, indented JSON so diffs stay readable.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any


def _refs(node: Any) -> set[str]:
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/"):
                found.add(ref)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _resolve(spec: dict[str, Any], ref: str) -> Any:
    node: Any = spec
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def trim(spec: dict[str, Any], keep: list[str], schemas: list[str] | None = None) -> dict[str, Any]:
    patterns = [re.compile(k) for k in keep]
    paths = {p: v for p, v in spec["paths"].items() if any(r.search(p) for r in patterns)}
    wanted: set[str] = set()
    pending = _refs(paths)
    section = "#/components/schemas/" if "components" in spec else "#/definitions/"
    pending |= {section + name for name in schemas or []}
    while pending:
        ref = pending.pop()
        if ref in wanted:
            continue
        wanted.add(ref)
        pending |= _refs(_resolve(spec, ref)) - wanted
    result = {k: v for k, v in spec.items() if k not in ("paths", "components", "definitions")}
    result["paths"] = paths
    if "components" in spec:
        components: dict[str, Any] = {}
        for section, entries in spec["components"].items():
            if not isinstance(entries, dict) or section == "securitySchemes":
                components[section] = entries
                continue
            kept = {n: e for n, e in entries.items() if f"#/components/{section}/{n}" in wanted}
            if kept:
                components[section] = kept
        result["components"] = components
    if "definitions" in spec:
        result["definitions"] = {
            n: e for n, e in spec["definitions"].items() if f"#/definitions/{n}" in wanted
        }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source", type=Path)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--keep", action="append", default=[], help="regex for paths to keep")
    parser.add_argument(
        "--schema", action="append", default=[], help="a schema to keep even if no path uses it"
    )
    parser.add_argument("--yaml", action="store_true", help="the source is YAML")
    args = parser.parse_args(argv)
    text = args.source.read_text(encoding="utf-8")
    if args.yaml:
        import yaml  # a dev dependency; only this maintenance script needs it

        spec = yaml.safe_load(text)
    else:
        spec = json.loads(text)
    trimmed = trim(spec, args.keep, args.schema) if args.keep else spec
    args.dest.write_text(
        json.dumps(trimmed, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"{args.dest}: {len(trimmed['paths'])} paths", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
