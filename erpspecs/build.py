"""Regenerate the compressed spec copies in ``erpspecs/data`` from the public snapshots.

    python -m erpspecs.build SRC/visma-net-erp-api-openapi3-v1-2025-05.json \
        SRC/visma-net-salesorders-v3-openapi-1.0.14.784.yaml

The content is the source's, unchanged: the JSON is re-serialised compactly and the YAML converted
to JSON (PyYAML, a development dependency, is needed only here), then gzipped with a fixed
timestamp so the same source gives the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

from .loader import DATA_DIR, Api


def _write(document: object, name: str) -> None:
    raw = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    (DATA_DIR / name).write_bytes(gzip.compress(raw, 9, mtime=0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("financials", type=Path, help="the Financials OpenAPI 3 JSON")
    parser.add_argument("salesorders", type=Path, help="the SalesOrders v3 OpenAPI YAML")
    args = parser.parse_args()
    import yaml  # a development dependency, only needed to regenerate

    _write(json.loads(args.financials.read_text(encoding="utf-8")), Api.FINANCIALS.file_name)
    _write(yaml.safe_load(args.salesorders.read_text(encoding="utf-8")), Api.SALESORDERS.file_name)


if __name__ == "__main__":
    main()
