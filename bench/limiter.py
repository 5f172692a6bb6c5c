"""The shared limiter and recorder on Redis, against a bare Redis INCR round trip, in one process.

    python -m bench.limiter [--calls 20000] [--rounds 3] [--redis redis://127.0.0.1:6379/15]

What one ERP call costs the portal's budget guard: ``limiter.acquire`` (one Lua script: window,
lanes, 429 hold, count) and ``recorder.record`` (one Lua script: the ERP's figures back into the
window, alert rules, the call buffered for the ledger). The baseline is the cheapest thing a
shared counter can do: one ``INCR`` on the same Redis. The three loops take turns round by round,
so load from anything else on the machine falls on all of them alike.

Printed: calls per second and median microseconds per call for each, the ratio guard / INCR, and
whether the goals hold (at least 5,000 guarded calls a second, under 1 ms median added to each ERP
call). The company's settings are primed in the per-process cache, as in steady state (the
database is read at most once every 30 s per company); the ledger flush into the database runs
in a beat task, not on the call path, so it is not part of the figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid
from datetime import UTC, datetime

import django
import redis

from erpclient import CallRecord, LimitAction, LimitRequest, Priority, RateLimitInfo

# The usage modules import Django models, so Django is set up before they are imported.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from usage import registry  # noqa: E402 - needs django.setup() above
from usage.recorder import RedisRecorder  # noqa: E402 - needs django.setup() above
from usage.redis_limiter import RedisLimiter  # noqa: E402 - needs django.setup() above

CLIENT_ID, TENANT_ID = "isv_bench", "5d1f3b0a-8c2e-4f6a-9b71-2e4c6a8d0f11"


def _prime_company_cache() -> None:
    config = registry.CompanyConfig(pk=1, limit=10**9, reserve=0.2, client_type="production")
    registry._cache[(CLIENT_ID, TENANT_ID)] = (time.monotonic() + 10**6, config)


def _call(remaining: int) -> CallRecord:
    now = datetime.now(UTC)
    return CallRecord(
        tenant_id=TENANT_ID,
        client_id=CLIENT_ID,
        company_id="4712001",
        priority=Priority.BACKGROUND,
        method="GET",
        path_template="/v1/supplierInvoice/{invoiceNumber}",
        endpoint_family="supplierInvoice",
        status=200,
        duration_ms=42.0,
        fault_code=None,
        error_kind=None,
        ratelimit=RateLimitInfo(
            limit=10**9,
            remaining=remaining,
            reset_seconds=1800.0,
            policy="4-fixed-window",
            observed_at=now,
        ),
        retry_after=None,
        request_id="bench",
        attempt=1,
        started_at=now,
    )


def _timed(calls: int, one) -> tuple[float, list[float]]:
    """Total seconds and per-call latencies."""
    latencies = []
    started = time.perf_counter()
    for index in range(calls):
        before = time.perf_counter()
        one(index)
        latencies.append(time.perf_counter() - before)
    return time.perf_counter() - started, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--redis", default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    )
    args = parser.parse_args()

    prefix = f"usage-bench:{uuid.uuid4().hex[:8]}:"
    client = redis.Redis.from_url(args.redis)
    client.ping()
    limiter = RedisLimiter(client, prefix=prefix)
    recorder = RedisRecorder(limiter)
    _prime_company_cache()
    request = LimitRequest(
        client_id=CLIENT_ID,
        tenant_id=TENANT_ID,
        company_id="4712001",
        priority=Priority.BACKGROUND,
        method="GET",
        path_template="/v1/supplierInvoice/{invoiceNumber}",
    )
    record = _call(remaining=10**9 - 1)
    counter = f"{prefix}incr"

    def incr(_: int) -> None:
        client.incr(counter)

    def acquire(_: int) -> None:
        if limiter.acquire(request).action is not LimitAction.GO:
            raise SystemExit("the limiter held a call; the bench expects an unlimited budget")

    def guarded(_: int) -> None:
        acquire(_)
        recorder.record(record)

    results: dict[str, list[tuple[float, list[float]]]] = {"incr": [], "acquire": [], "guard": []}
    try:
        for step in (incr, acquire, guarded):  # warm up the connection, load the scripts
            _timed(200, step)
        client.delete(limiter.buffer_key)
        for _ in range(args.rounds):
            results["incr"].append(_timed(args.calls, incr))
            results["acquire"].append(_timed(args.calls, acquire))
            results["guard"].append(_timed(args.calls, guarded))
            # The buffer would be flushed into the database every few seconds; drop it here.
            client.delete(limiter.buffer_key)
    finally:
        limiter.send_held()  # else the exit hook would write the last record after the cleanup
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)

    def summary(name: str) -> tuple[float, float]:
        seconds = sum(run[0] for run in results[name])
        latencies = [latency for run in results[name] for latency in run[1]]
        return len(latencies) / seconds, statistics.median(latencies) * 1e6

    incr_rate, incr_median = summary("incr")
    acquire_rate, acquire_median = summary("acquire")
    guard_rate, guard_median = summary("guard")
    print(f"Redis {args.redis}, {args.rounds} rounds x {args.calls} calls each, one process")
    print(f"  bare INCR round trip      {incr_rate:9,.0f} calls/s   median {incr_median:7.1f} µs")
    print(
        f"  limiter.acquire           {acquire_rate:9,.0f} calls/s"
        f"   median {acquire_median:7.1f} µs"
    )
    print(f"  acquire + record (guard)  {guard_rate:9,.0f} calls/s   median {guard_median:7.1f} µs")
    print(f"  ratio guard / INCR (time per call): {incr_rate / guard_rate:.2f}")
    print(
        f"  goals: >= 5,000 calls/s: {'met' if guard_rate >= 5000 else 'NOT met'}; "
        f"< 1 ms median added per ERP call: {'met' if guard_median < 1000 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
