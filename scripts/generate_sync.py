"""Generate ``erpclient/_sync`` from ``erpclient/_async``, or check that it is up to date.

The client's I/O code is written once, async; the sync twin is produced by unasync (tokens:
``async``/``await`` dropped, async names mapped to their sync names below), then ruff sorts the
imports, drops the duplicates the mapping leaves and formats it.

    python scripts/generate_sync.py          # rewrite erpclient/_sync
    python scripts/generate_sync.py --check  # exit 1 and name the files that differ

``tests/erpclient/test_generated_sync.py`` runs the check inside ``make test``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import unasync

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "erpclient" / "_async"
TARGET = ROOT / "erpclient" / "_sync"
HEADER = (
    "# Generated from erpclient/_async by scripts/generate_sync.py; do not edit.\n"
    "# Change the async source and run `python scripts/generate_sync.py`.\n"
)

# Async name -> sync name. unasync already maps __aenter__, AsyncIterator and the like.
REPLACEMENTS = {
    # ours
    "AsyncErpClient": "ErpClient",
    "AsyncPage": "Page",
    "AsyncContext": "Context",
    "AsyncSupplierInvoices": "SupplierInvoices",
    "AsyncSupplierPayments": "SupplierPayments",
    "AsyncSalesOrders": "SalesOrders",
    "AsyncCustomers": "Customers",
    "AsyncInventory": "Inventory",
    "AsyncOrderTypes": "OrderTypes",
    "AsyncSuppliers": "Suppliers",
    "AsyncLedger": "Ledger",
    "AsyncBackgroundOperations": "BackgroundOperations",
    "AsyncTokenProvider": "TokenProvider",
    "AsyncLimiter": "Limiter",
    "AsyncRecorder": "Recorder",
    "AsyncTokenStore": "TokenStore",
    "AsyncRepeatGuard": "RepeatGuard",
    "AsyncRefusalStore": "RefusalStore",
    "as_async_limiter": "as_limiter",
    "as_async_recorder": "as_recorder",
    "as_async_token_store": "as_token_store",
    "as_async_repeat_guard": "as_repeat_guard",
    "async_learning_sink": "learning_sink",
    # httpx and the standard library
    "AsyncClient": "Client",
    "AsyncBaseTransport": "BaseTransport",
    "aclose": "close",
    "asyncio": "time",
}


def _ruff(*args: str | Path) -> None:
    config = ROOT / "pyproject.toml"
    command = [sys.executable, "-m", "ruff", *map(str, args), "--config", str(config)]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603 - our own ruff


def generate() -> dict[str, str]:
    """The sync files as they should be: path relative to ``_sync`` -> text."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "_async"
        shutil.copytree(SOURCE, source, ignore=shutil.ignore_patterns("__pycache__"))
        files = sorted(str(path) for path in source.rglob("*.py"))
        unasync.unasync_files(files, [unasync.Rule("/_async/", "/_sync/", REPLACEMENTS)])
        target = Path(tmp) / "_sync"
        for path in target.rglob("*.py"):
            path.write_text(HEADER + path.read_text())
        # Sort imports, drop those the mapping made unused or duplicate, merge `X | X` unions and
        # turn `for x in y: yield x` into `yield from y`.
        fixes = "I,F401,F811,PYI016,UP028"
        _ruff(
            "check", "--no-cache", "--quiet", "--fix", "--unsafe-fixes", "--select", fixes, target
        )
        _ruff("format", "--no-cache", "--quiet", target)
        return {
            path.relative_to(target).as_posix(): path.read_text()
            for path in sorted(target.rglob("*.py"))
        }


def current() -> dict[str, str]:
    return {
        path.relative_to(TARGET).as_posix(): path.read_text()
        for path in sorted(TARGET.rglob("*.py"))
    }


def stale_files() -> list[str]:
    """The files of ``_sync`` that differ from what the async source generates."""
    wanted, present = generate(), current()
    return sorted(
        name for name in wanted.keys() | present.keys() if wanted.get(name) != present.get(name)
    )


def write() -> None:
    wanted = generate()
    if TARGET.exists():
        shutil.rmtree(TARGET)
    for name, text in wanted.items():
        path = TARGET / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale files")
    if parser.parse_args().check:
        stale = stale_files()
        for name in stale:
            print(f"erpclient/_sync/{name} is not what erpclient/_async generates")
        return 1 if stale else 0
    write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
