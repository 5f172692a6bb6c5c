"""The fault suite at CI size (bench/faults.py runs it at full size): the production shape, a
sweep of 60 tenants in a two-minute window with 6 sales orders and 6 invoice releases sent
through the portal's services, and every fault of the suite one after another.
It runs as a process of its own (its own database, Redis servers, sandbox and Procfile.production
processes) and reports in JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.timeout(900)


def test_no_check_or_operation_is_lost_or_doubled_and_every_fault_recovers(tmp_path):
    url = urlsplit(os.environ.get("DATABASE_URL", ""))
    if not url.scheme.startswith("postgres"):
        pytest.skip("the fault suite runs the production shape on PostgreSQL; CI has it")
    database = f"{url.path.lstrip('/')}_faults"
    out = tmp_path / "faults.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.faults",
            "--tenants",
            "60",
            "--window",
            "120",
            "--latency-ms",
            "20",
            "--orders",
            "6",
            "--invoices",
            "6",
            "--database",
            database,
            "--json",
            str(out),
            "--log-dir",
            str(tmp_path / "logs"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=880,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(out.read_text())
    table = done.stdout

    assert result["tenants"] == 60
    assert result["lost"] == 0, table
    assert result["doubled"] == 0, table
    assert result["failed_without_reason"] == 0, table
    assert result["writes_doubled"] == 0, table
    assert result["over_budget"] == [], table
    # The staff operations: each ends finished, failed or unknown with a reason; none sent twice.
    operations = result["operations"]
    assert sorted(operations) == ["invoice releases", "sales orders"], table
    for name, op in operations.items():
        assert op["count"] == 6, f"{name}:\n{table}"
        assert (op["lost"], op["doubled"], op["without_reason"]) == (0, 0, 0), f"{name}:\n{table}"
    assert len(result["rows"]) == 8
    for name, *_, recovered in result["rows"]:
        assert recovered != "not recovered", f"{name}:\n{table}"
    # The 429 storm leaves its companies deferred with the ERP's reason, visible to staff.
    storm = next(row for row in result["rows"] if row[0] == "429 storm")
    assert storm[2] > 0, table
    assert "beat2 sent tasks while beat1 held the lock" not in result["notes"]
