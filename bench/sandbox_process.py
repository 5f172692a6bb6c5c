"""The sandbox ERP as a separate process for the benchmarks (its own core, like a real ERP)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    from .stack import free_port as free_stack_port

    return free_stack_port()


def start_sandbox(*options: str) -> tuple[subprocess.Popen[bytes], str]:
    """``python -m erpsim --port <free> <options>``; returns the process and its URL once it
    answers. The caller stops the process."""
    port = free_port()
    command = [sys.executable, "-m", "erpsim", "--port", str(port), *options]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/_sandbox/health").status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the sandbox did not start")
