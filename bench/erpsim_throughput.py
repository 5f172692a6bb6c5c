"""Is the sandbox ERP ever the bottleneck? Simple authenticated GETs per second on one core.

    python -m bench.erpsim_throughput [--requests 6000] [--threads 4] [--rounds 3]

Two servers run as separate processes, each one uvicorn worker pinned to the same single CPU when
the OS allows it:

- the sandbox (``python -m erpsim``) with the demo world, the repeat rules off and a huge hourly
  budget, so every request does the full work (token check, budget, recording, JSON) and succeeds;
- a baseline: a bare Starlette app on uvicorn answering a tiny JSON "hello", about the most one
  Python worker with this stack can serve here.

A client process with keep-alive connections in a few threads sends the same number of GETs to
each, alternating rounds so drift hits both alike. The invoice GETs cycle through the company's 200
unchanged documents, so they measure the usual case of re-reading documents: the sandbox encodes
(and compresses) each document version once and serves it from memory afterwards.

Printed: the machine's load (other work on a shared machine skews everything), requests per second
(median of the rounds) and median latency per target, and the ratio sandbox / baseline. The goal
is at least 1,500 GETs per second for the sandbox.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from erpsim.world import DEMO_CLIENTS, DEMO_TENANTS

GOAL = 1500
CLIENT = next(c for c in DEMO_CLIENTS if c["type"] == "production")
TENANT = next(t for t in DEMO_TENANTS if t["scenario"] == "healthy")
HOST = "127.0.0.1"


def serve_baseline(port: int) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def hello(request: object) -> JSONResponse:
        return JSONResponse({"hello": "world"})

    app = Starlette(routes=[Route("/hello", hello)])
    print(f"baseline ready on http://{HOST}:{port}", flush=True)
    uvicorn.run(app, host=HOST, port=port, log_level="warning", access_log=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _start(command: list[str], port: int, cpu: int | None) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    deadline = time.monotonic() + 30
    while "ready" in line and time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        raise RuntimeError(f"{command} did not start: {line!r}")
    if cpu is not None:
        os.sched_setaffinity(process.pid, {cpu})
    return process


def _token(port: int) -> str:
    connection = http.client.HTTPConnection(HOST, port)
    body = urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": CLIENT["client_id"],
            "client_secret": CLIENT["client_secret"],
            "tenant_id": TENANT["tenant_id"],
            "scope": "vismanet_erp_service_api:read",
        }
    )
    connection.request(
        "POST", "/connect/token", body, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    return json.loads(connection.getresponse().read())["access_token"]


@dataclass
class Result:
    per_second: float
    median_ms: float
    failures: int


def _hammer(
    port: int, paths: Callable[[int], str], headers: dict[str, str], total: int, threads: int
) -> Result:
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()

    def worker(offset: int, count: int) -> None:
        connection = http.client.HTTPConnection(HOST, port)
        mine = []
        bad = 0
        for n in range(offset, offset + count):
            started = time.perf_counter()
            connection.request("GET", paths(n), headers=headers)
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            bad += response.status != 200
        connection.close()
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    share = total // threads
    workers = [threading.Thread(target=worker, args=(i * share, share)) for i in range(threads)]
    began = time.perf_counter()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - began
    return Result(len(latencies) / elapsed, statistics.median(latencies) * 1000, failures[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve-baseline", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_baseline:
        serve_baseline(args.serve_baseline)
        return 0

    cpu = min(os.sched_getaffinity(0)) if hasattr(os, "sched_setaffinity") else None
    sandbox_port, baseline_port = _free_port(), _free_port()
    sandbox = _start(
        [
            sys.executable,
            "-m",
            "erpsim",
            "--host",
            HOST,
            "--port",
            str(sandbox_port),
            "--same-request-limit",
            "0",
            "--failed-request-limit",
            "0",
            "--production-hourly-limit",
            "1000000000",
        ],
        sandbox_port,
        cpu,
    )
    baseline = _start(
        [sys.executable, "-m", "bench.erpsim_throughput", "--serve-baseline", str(baseline_port)],
        baseline_port,
        cpu,
    )
    try:
        auth = {"Authorization": f"Bearer {_token(sandbox_port)}"}
        numbers = [f"{100001 + i}" for i in range(200)]
        targets: dict[str, Callable[[], Result]] = {
            "baseline: GET /hello (bare Starlette)": lambda: _hammer(
                baseline_port, lambda n: "/hello", {}, args.requests, args.threads
            ),
            "sandbox: GET /v1/supplierInvoice/{n} (~3 KB)": lambda: _hammer(
                sandbox_port,
                lambda n: f"/v1/supplierInvoice/{numbers[n % 200]}",
                auth,
                args.requests,
                args.threads,
            ),
            "sandbox: the same, Accept-Encoding: br (as httpx)": lambda: _hammer(
                sandbox_port,
                lambda n: f"/v1/supplierInvoice/{numbers[n % 200]}",
                {**auth, "Accept-Encoding": "br, gzip, deflate"},
                args.requests,
                args.threads,
            ),
            "sandbox: GET /resources/v1/context": lambda: _hammer(
                sandbox_port, lambda n: "/resources/v1/context", auth, args.requests, args.threads
            ),
        }
        for run in targets.values():  # warm-up: connections, caches, lazy document loading
            run()
        results: dict[str, list[Result]] = {name: [] for name in targets}
        for _ in range(args.rounds):
            for name, run in targets.items():
                results[name].append(run())
    finally:
        for process in (sandbox, baseline):
            process.terminate()
            process.wait(timeout=10)

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load} (other work skews the figures)")
    pinned = f"servers pinned to CPU {cpu}" if cpu is not None else "servers not pinned"
    print(f"{args.requests} GETs per round, {args.rounds} rounds, {args.threads} threads, {pinned}")
    medians: dict[str, float] = {}
    for name, runs in results.items():
        per_second = statistics.median(r.per_second for r in runs)
        medians[name] = per_second
        latency = statistics.median(r.median_ms for r in runs)
        failures = sum(r.failures for r in runs)
        print(
            f"  {name:<48} {per_second:8.0f} req/s   median {latency:6.2f} ms   non-200: {failures}"
        )
    baseline_rate = medians["baseline: GET /hello (bare Starlette)"]
    invoice_rate = medians["sandbox: GET /v1/supplierInvoice/{n} (~3 KB)"]
    print(f"  ratio sandbox invoice GET / baseline: {invoice_rate / baseline_rate:.2f}")
    print(f"  goal >= {GOAL} GETs/s: {'met' if invoice_rate >= GOAL else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
