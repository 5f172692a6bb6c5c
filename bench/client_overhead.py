"""erpclient against raw httpx, side by side, against the sandbox ERP in a separate process.

    python -m bench.client_overhead [--requests 1000] [--concurrency 50] [--rounds 5]
                                    [--slices 10] [--url http://127.0.0.1:8765]

Both sides send the same GETs (one supplier invoice each, cycling through the demo company's
invoices) with the same headers, the same pre-fetched token and the same connection limits. Raw
httpx parses the JSON; erpclient also builds the typed model and runs its budget guard (in-memory
limiter, recorder and repeat guard). In the sync loop the two take turns request by request; in an
async round each side fans out all its GETs in slices that alternate with the other side's. Either
way, load from anything else on the machine falls on both sides alike.

Printed: requests per second and median latency per side, and the ratio erpclient / raw (time
per request; the goal is at most 1.2).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from erpclient import (
    AsyncErpClient,
    AsyncInMemoryTokenStore,
    ErpClient,
    InMemoryLimiter,
    InMemoryRecorder,
    InMemoryRepeatGuard,
    InMemoryTokenStore,
    Token,
    token_key,
)
from erpclient._client import DEFAULT_HEADERS, DEFAULT_LIMITS
from erpclient.config import ERP_SCOPES
from erpsim.world import DEMO_CLIENTS, DEMO_TENANTS

from . import sandbox_process

CLIENT = next(c for c in DEMO_CLIENTS if c["type"] == "production")
TENANT = next(t for t in DEMO_TENANTS if t["scenario"] == "healthy")


@dataclass
class Run:
    label: str
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000


def start_sandbox() -> tuple[subprocess.Popen[bytes], str]:
    # The ERP's own throttles would stop a benchmark; switch them off for this run only.
    return sandbox_process.start_sandbox(
        "--world",
        "demo",
        "--production-hourly-limit",
        "10000000",
        "--same-request-limit",
        "0",
        "--failed-request-limit",
        "0",
    )


def fetch_token(url: str) -> Token:
    """One real token for both sides, so neither pays for it inside the timing."""
    response = httpx.post(
        f"{url}/connect/token",
        data={
            "grant_type": "client_credentials",
            "client_id": CLIENT["client_id"],
            "client_secret": CLIENT["client_secret"],
            "tenant_id": TENANT["tenant_id"],
            "scope": " ".join(ERP_SCOPES),
        },
    )
    response.raise_for_status()
    data = response.json()
    expires_at = datetime.now(UTC) + timedelta(seconds=data["expires_in"])
    return Token(data["access_token"], expires_at, frozenset(ERP_SCOPES))


def invoice_paths(url: str, token: Token) -> list[tuple[str, str]]:
    headers = {**DEFAULT_HEADERS, "Authorization": f"Bearer {token.access_token}"}
    found: list[tuple[str, str]] = []
    page = 1
    while True:
        response = httpx.get(
            f"{url}/v1/supplierInvoice",
            params={"pageNumber": page, "pageSize": 100},
            headers=headers,
        )
        response.raise_for_status()
        rows = response.json()
        if not rows:
            return found
        found.extend((row["documentType"], row["referenceNumber"]) for row in rows)
        page += 1


def workload(invoices: list[tuple[str, str]], count: int) -> list[tuple[str, str]]:
    return [invoices[index % len(invoices)] for index in range(count)]


def erp_kwargs() -> dict[str, object]:
    return {
        "client_id": CLIENT["client_id"],
        "client_secret": CLIENT["client_secret"],
        "tenant_id": TENANT["tenant_id"],
        "limiter": InMemoryLimiter(),
        "recorder": InMemoryRecorder(),
        # A fresh guard per round: every round repeats each GET at most 5 times a minute.
        "repeat_guard": InMemoryRepeatGuard(),
    }


# --- sync loop ---------------------------------------------------------------------------------


def sync_paired(url: str, token: Token, store: InMemoryTokenStore, jobs: list[tuple[str, str]]):
    """Raw and erpclient take turns request by request, so load from anything else on the machine
    falls on both alike; each side keeps its own latencies."""
    headers = {**DEFAULT_HEADERS, "Authorization": f"Bearer {token.access_token}"}
    raw_latencies: list[float] = []
    erp_latencies: list[float] = []
    with (
        httpx.Client(headers=headers, limits=DEFAULT_LIMITS) as http,
        ErpClient.sandbox(url, token_store=store, **erp_kwargs()) as client,
    ):
        invoices = client.supplier_invoices
        # Both connections open, the same way, before the timing starts.
        http.get(f"{url}/resources/v1/context").raise_for_status()
        client.context.list()
        for document_type, number in jobs:
            begin = time.perf_counter()
            response = http.get(f"{url}/v1/supplierInvoice/{document_type}/{number}")
            response.raise_for_status()
            response.json()
            middle = time.perf_counter()
            invoices.get(number, document_type=document_type)
            end = time.perf_counter()
            raw_latencies.append(middle - begin)
            erp_latencies.append(end - middle)
    return (
        Run("raw httpx", sum(raw_latencies), raw_latencies),
        Run("erpclient", sum(erp_latencies), erp_latencies),
    )


# --- async fan-out -----------------------------------------------------------------------------


async def timed_fan_out(call, jobs: list[tuple[str, str]], concurrency: int, label: str) -> Run:
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []

    async def one(document_type: str, number: str) -> None:
        async with gate:
            begin = time.perf_counter()
            await call(document_type, number)
            latencies.append(time.perf_counter() - begin)

    started = time.perf_counter()
    await asyncio.gather(*(one(t, n) for t, n in jobs))
    return Run(label, time.perf_counter() - started, latencies)


async def async_paired(
    url: str,
    token: Token,
    store: AsyncInMemoryTokenStore,
    jobs: list[tuple[str, str]],
    concurrency: int,
    slices: int,
) -> tuple[Run, Run]:
    """Each side sends all ``jobs`` at ``concurrency``, in ``slices`` fan-outs that alternate
    between the sides, so a burst of load elsewhere on the machine falls on both alike."""
    headers = {**DEFAULT_HEADERS, "Authorization": f"Bearer {token.access_token}"}
    async with (
        httpx.AsyncClient(headers=headers, limits=DEFAULT_LIMITS) as http,
        AsyncErpClient.sandbox(url, token_store=store, **erp_kwargs()) as client,
    ):
        invoices = client.supplier_invoices

        async def raw_call(document_type: str, number: str) -> object:
            response = await http.get(f"{url}/v1/supplierInvoice/{document_type}/{number}")
            response.raise_for_status()
            return response.json()

        async def erp_call(document_type: str, number: str) -> object:
            return await invoices.get(number, document_type=document_type)

        # Both sides open their first connection the same way before the timing starts (opening
        # many at once first made the sandbox answer raw httpx 2.5 times slower, a skew of its own).
        (await http.get(f"{url}/resources/v1/context")).raise_for_status()
        await client.context.list()
        size = -(-len(jobs) // slices)
        raw_runs, erp_runs = [], []
        for start in range(0, len(jobs), size):
            chunk = jobs[start : start + size]
            raw_runs.append(await timed_fan_out(raw_call, chunk, concurrency, "raw httpx"))
            erp_runs.append(await timed_fan_out(erp_call, chunk, concurrency, "erpclient"))
    return _joined(raw_runs), _joined(erp_runs)


def _joined(runs: list[Run]) -> Run:
    return Run(
        runs[0].label,
        sum(run.seconds for run in runs),
        [latency for run in runs for latency in run.latencies],
    )


# --- report ------------------------------------------------------------------------------------


def report(title: str, raw: list[Run], erp: list[Run]) -> float:
    best_raw = min(raw, key=lambda run: run.seconds)
    best_erp = min(erp, key=lambda run: run.seconds)
    ratio = statistics.median(e.seconds for e in erp) / statistics.median(r.seconds for r in raw)
    print(f"\n{title}")
    for run in (best_raw, best_erp):
        print(
            f"  {run.label:<10} {run.per_second:8.0f} req/s   median {run.median_ms:6.2f} ms"
            f"   ({len(run.latencies)} requests in {run.seconds:.2f} s, best of {len(raw)})"
        )
    print(f"  ratio erpclient / raw httpx (median time of {len(raw)} rounds): {ratio:.3f}")
    pairs = " ".join(f"{e.seconds / r.seconds:.2f}" for r, e in zip(raw, erp, strict=True))
    print(f"  ratio round by round: {pairs}")
    return ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--slices", type=int, default=10, help="alternating fan-outs per side in an async round"
    )
    parser.add_argument("--url", help="an already running sandbox (default: start one)")
    args = parser.parse_args(argv)
    if min(args.requests, args.concurrency, args.rounds, args.slices) < 1:
        parser.error("--requests, --concurrency, --rounds and --slices must be 1 or more")

    process = None
    url = args.url
    if url is None:
        process, url = start_sandbox()
    try:
        token = fetch_token(url)
        key = token_key(url, CLIENT["client_id"], TENANT["tenant_id"], ERP_SCOPES)
        sync_store = InMemoryTokenStore()
        sync_store.set(key, token)
        invoices = invoice_paths(url, token)
        if len(invoices) * 5 < args.requests:
            # More repeats than 5 a minute would (rightly) be held back by the repeat guard.
            parser.error(f"at most {len(invoices) * 5} requests: the sandbox has {len(invoices)}")
        jobs = workload(invoices, args.requests)
        print(f"sandbox {url}: {args.requests} GETs per round, {args.rounds} rounds per side")

        raw_runs, erp_runs = [], []
        for _ in range(args.rounds):
            raw_run, erp_run = sync_paired(url, token, sync_store, jobs)
            raw_runs.append(raw_run)
            erp_runs.append(erp_run)
        sync_ratio = report("sync GET loop (requests taking turns)", raw_runs, erp_runs)

        async def fan_out() -> tuple[list[Run], list[Run]]:
            async_store = AsyncInMemoryTokenStore()
            await async_store.set(key, token)
            raws, erps = [], []
            for _ in range(args.rounds):
                raw_run, erp_run = await async_paired(
                    url, token, async_store, jobs, args.concurrency, args.slices
                )
                raws.append(raw_run)
                erps.append(erp_run)
            return raws, erps

        raw_runs, erp_runs = asyncio.run(fan_out())
        async_ratio = report(f"async fan-out, concurrency {args.concurrency}", raw_runs, erp_runs)
        goal = "met" if max(sync_ratio, async_ratio) <= 1.2 else "NOT met"
        print(f"\ngoal erpclient within 1.2x of raw httpx: {goal}")
        return 0
    finally:
        if process is not None:
            process.terminate()
            process.wait(10)


if __name__ == "__main__":
    raise SystemExit(main())
