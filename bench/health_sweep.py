"""The periodic health sweep over many tenants, with the portal's default worker settings.

    python -m bench.health_sweep [--tenants 2000] [--latency-ms 20] [--slots 2]
                                 [--database-url sqlite:///var/bench-sweep.sqlite3]

The sandbox ERP runs as a separate process with ``--tenants`` companies and ``--latency-ms`` added
to every ERP call. The portal side uses a database of its own (a fresh SQLite file by default; pass
a PostgreSQL URL to measure that) with one API client and the tenants registered. Then:

1. the sweep: ``claim`` and ``batches`` as the beat task does, the batches spread over
   ``--slots`` worker processes (the Procfile's ``--concurrency 2``), each batch checked
   ``TENANTS_SWEEP_CONCURRENCY`` at a time: tokens, context, a Financials read, SalesOrders, the
   budget, the usage ledger and limiter, check runs and issues, all for real;
2. the baseline, in the same process: the same HTTP requests per tenant with bare httpx at the
   same total concurrency, with no portal work at all.

Printed: tenants per second, the ideal concurrency-bound time (ERP calls per tenant x latency x
tenants / concurrent checks), and the ratios sweep / ideal and sweep / baseline. The goals: the
whole sweep within 60 s per 2,000 tenants (10,000 across 2 workers in 5 minutes) and within 2x
of bare httpx. The baseline counts connection errors (a keep-alive race can reset one) and goes
on; ``--profile`` writes where one worker's check threads spend their time.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import multiprocessing
import os
import subprocess
import time
import uuid
from pathlib import Path

import httpx
import psutil

from . import sandbox_process

GOAL_SECONDS = 60.0
GOAL_RATIO = 2.0
ROOT = Path(__file__).resolve().parent.parent
CLIENT_ID = "isv_bench_prod"
CLIENT_SECRET = "bench-secret-not-real"
ERP_CALLS_PER_CHECK = 3  # context, Financials read, SalesOrders read (token calls add no latency)


def start_sandbox(latency_ms: int) -> tuple[subprocess.Popen[bytes], str]:
    return sandbox_process.start_sandbox(
        "--world", "empty", "--latency-ms", str(latency_ms), "--production-hourly-limit", "10000000"
    )


def tenant_ids(count: int) -> list[str]:
    return [str(uuid.UUID(int=0xB0_0000_0000_4000_8000_0000_0000_0000 + n)) for n in range(count)]


def populate_sandbox(url: str, ids: list[str]) -> None:
    with httpx.Client(base_url=url, timeout=30) as http:
        http.post(
            "/_sandbox/clients",
            json={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "type": "production"},
        ).raise_for_status()
        for number, tenant_id in enumerate(ids, start=1):
            http.post(
                "/_sandbox/tenants",
                json={
                    "tenant_id": tenant_id,
                    "company_id": 9_000_000 + number,
                    "name": f"Bench Company {number}",
                    "client_ids": [CLIENT_ID],
                },
            ).raise_for_status()


def setup_django(database_url: str, sandbox_url: str, tenants: int = 5000) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["SANDBOX_URL"] = sandbox_url
    # One claim takes every tenant, as beat's ticks would over the interval.
    os.environ["TENANTS_SWEEP_MAX_PER_TICK"] = str(max(tenants, 5000))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    # The test profile: no debug query log, the development keys.
    os.environ.setdefault("DJANGO_ENV", "test")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()


def populate_portal(ids: list[str], *, onboarding: bool = False) -> list[int]:
    """The bench's tenants: as the hourly sweep finds them (onboarded, the company's id and name
    known from an earlier check), or with ``onboarding`` as just added (the first check learns
    the company and activates the tenant)."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from tenants import services
    from tenants.models import ApiClient, Customer, Environment, Tenant, TenantStatus

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        api_client = ApiClient.objects.filter(client_id=CLIENT_ID).first()
        if api_client is None:
            api_client = services.api_client_create(
                actor=None,
                name="Bench production client",
                client_id=CLIENT_ID,
                client_secret=CLIENT_SECRET,
                client_type="production",
                environment=Environment.SANDBOX,
            )
        customer, _ = Customer.objects.get_or_create(name="Bench Customer AS")
        Tenant.objects.filter(api_client=api_client).delete()
        now = timezone.now()
        known = {} if onboarding else {"status": TenantStatus.ACTIVE, "activated_at": now}
        tenants = Tenant.objects.bulk_create(
            Tenant(
                tenant_id=tenant_id,
                name=f"Bench Company {n}",
                customer=customer,
                api_client=api_client,
                # What the sandbox tells a check (populate_sandbox), so a check learns nothing.
                company_id=None if onboarding else 9_000_000 + n,
                erp_company_name="" if onboarding else f"Bench Company {n}",
                **known,
            )
            for n, tenant_id in enumerate(ids, start=1)
        )
        for tenant in tenants:
            services.sync_metering(tenant)
    from django.db import connection

    if connection.vendor == "postgresql":
        # Statistics for the planner, as autovacuum would gather them on a server that runs it.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return [tenant.pk for tenant in tenants]


def _slot(batches: list[list[int]], lease, profile: str | None = None) -> int:
    """One worker process: its batches one after another, like a Celery prefork child, each
    with the claim's lease as ``tenants.check_batch`` gets it."""
    from django.db import connections

    from tenants import sweep

    connections.close_all()
    profilers = _profile_checks(sweep) if profile else []
    failures = sum(sweep.check_many(batch, lease=lease) for batch in batches)
    if profilers:
        import pstats

        stats = pstats.Stats(profilers[0])
        for other in profilers[1:]:
            stats.add(other)
        stats.dump_stats(profile)
    connections.close_all()
    return failures


def _profile_checks(sweep) -> list:
    """cProfile inside every check thread (a profiler per thread: cProfile sees one thread),
    timing the thread's CPU."""
    import cProfile
    import threading

    profilers: list[cProfile.Profile] = []
    local = threading.local()
    original = sweep.sweep_one

    def profiled(pk, **options):
        profiler = getattr(local, "profiler", None)
        if profiler is None:
            # CPU time of this thread (not wall time): waits on the ERP, the database, Redis
            # and the GIL drop out, and what is left is the work each check costs.
            profiler = local.profiler = cProfile.Profile(time.thread_time)
            profilers.append(profiler)
        profiler.enable()
        try:
            return original(pk, **options)
        finally:
            profiler.disable()

    sweep.sweep_one = profiled
    return profilers


def _slot_args(args: tuple) -> int:
    return _slot(*args)


def run_sweep(slots: int, profile: str | None = None) -> tuple[float, int, int]:
    from django.db import connections

    from tenants import sweep

    started = time.perf_counter()
    claim = sweep.claim()
    pks = claim.pks
    batches = sweep.batches(pks)
    shares = [batches[n::slots] for n in range(slots)]
    connections.close_all()  # children must not share the parent's connection
    context = multiprocessing.get_context("fork")
    with context.Pool(slots) as pool:
        jobs = [(share, claim.until, profile if n == 0 else None) for n, share in enumerate(shares)]
        failures = sum(pool.map(_slot_args, jobs))
    return time.perf_counter() - started, len(pks), failures


def _cpu_meter(sandbox: psutil.Process):
    """A function that returns the CPU seconds used since its last call: (this process and its
    finished children, i.e. the sweep's worker processes; the sandbox)."""

    def used() -> tuple[float, float]:
        own = os.times()
        sandbox_times = sandbox.cpu_times()
        return (
            own.user + own.system + own.children_user + own.children_system,
            sandbox_times.user + sandbox_times.system,
        )

    last = [used()]

    def since() -> tuple[float, float]:
        now = used()
        delta = (now[0] - last[0][0], now[1] - last[0][1])
        last[0] = now
        return delta

    return since


def run_baseline(url: str, ids: list[str], concurrency: int) -> float:
    """The same requests per tenant with bare httpx: the floor the ERP's latency sets."""

    def one(http: httpx.Client, tenant_id: str) -> None:
        scopes = {
            "erp": "vismanet_erp_service_api:read",
            "so": "visma.net.erp.salesorder:read",
        }
        tokens = {}
        for name, scope in scopes.items():
            response = http.post(
                "/connect/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "tenant_id": tenant_id,
                    "scope": scope,
                },
            )
            response.raise_for_status()
            tokens[name] = {"Authorization": f"Bearer {response.json()['access_token']}"}
        http.get("/resources/v1/context", headers=tokens["erp"]).raise_for_status()
        http.get(
            "/v1/supplierInvoice", params={"pageNumber": 1, "pageSize": 1}, headers=tokens["erp"]
        ).raise_for_status()
        http.get(
            "/api/v3/SalesOrders", params={"pageIndex": 0, "pageSize": 1}, headers=tokens["so"]
        ).raise_for_status()

    errors: dict[str, int] = {}

    def counted(http: httpx.Client, tenant_id: str) -> None:
        # A keep-alive race with the sandbox can reset a connection: count it and go on.
        try:
            one(http, tenant_id)
        except httpx.HTTPError as error:
            name = type(error).__name__
            errors[name] = errors.get(name, 0) + 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with httpx.Client(base_url=url, timeout=30, limits=limits) as http:
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(lambda tenant_id: counted(http, tenant_id), ids))
        seconds = time.perf_counter() - started
    print(f"baseline errors (counted, not retried): {errors or 'none'}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=2000)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--slots", type=int, default=2, help="worker processes (Procfile: 2)")
    parser.add_argument("--profile", help="write the first worker's cProfile statistics here")
    parser.add_argument(
        "--onboarding",
        action="store_true",
        help="tenants just added (the first sweep learns each company and activates it); "
        "default: tenants as the hourly sweep finds them",
    )
    parser.add_argument(
        "--database-url", default=f"sqlite:///{ROOT / 'var' / 'bench-health-sweep.sqlite3'}"
    )
    args = parser.parse_args()

    if args.database_url.startswith("sqlite:///"):
        path = Path(args.database_url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    process, url = start_sandbox(args.latency_ms)
    try:
        ids = tenant_ids(args.tenants)
        populate_sandbox(url, ids)
        setup_django(args.database_url, url, args.tenants)
        from django.conf import settings

        populate_portal(ids, onboarding=args.onboarding)
        concurrency = args.slots * settings.TENANTS_SWEEP_CONCURRENCY
        print(
            f"{args.tenants} tenants, {args.latency_ms} ms ERP latency, {args.slots} worker "
            f"process(es) x {settings.TENANTS_SWEEP_CONCURRENCY} checks at once "
            f"= {concurrency} concurrent checks, batches of {settings.TENANTS_SWEEP_BATCH_SIZE}; "
            + ("tenants just added (first sweep)" if args.onboarding else "tenants onboarded")
        )
        print(
            f"database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
            f"cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, "
            f"usage limiter {'redis' if settings.REDIS_URL else 'database'}; "
            f"load average {os.getloadavg()[0]:.2f}"
        )

        sandbox = psutil.Process(process.pid)
        cpu = _cpu_meter(sandbox)
        baseline = run_baseline(url, ids, concurrency)
        baseline_cpu = cpu()
        seconds, checked, failures = run_sweep(args.slots, args.profile)
        sweep_cpu = cpu()
        from tenants.models import CheckOutcome, CheckRun

        passed = CheckRun.objects.filter(outcome=CheckOutcome.PASSED).count()
        ideal = args.tenants * ERP_CALLS_PER_CHECK * args.latency_ms / 1000 / concurrency
        print(
            f"baseline (bare httpx, same requests): {baseline:6.2f} s "
            f"({args.tenants / baseline:7.1f} tenants/s)"
        )
        print(
            f"sweep (the portal, every write):      {seconds:6.2f} s "
            f"({checked / seconds:7.1f} tenants/s); {passed} passed, {failures} failed to run"
        )
        print(f"ideal concurrency-bound time:         {ideal:6.2f} s")
        # CPU per tenant, which a busy machine inflates less than the wall clock: the bench's
        # own process (baseline's client) or its worker processes (the sweep), and the sandbox.
        n = args.tenants
        print(
            f"CPU per tenant: baseline client {baseline_cpu[0] * 1000 / n:5.2f} ms + sandbox "
            f"{baseline_cpu[1] * 1000 / n:5.2f} ms; sweep workers {sweep_cpu[0] * 1000 / n:5.2f} "
            f"ms + sandbox {sweep_cpu[1] * 1000 / n:5.2f} ms"
        )
        print(f"ratio sweep / ideal:    {seconds / ideal:5.2f}")
        print(f"ratio sweep / baseline: {seconds / baseline:5.2f}")
        # Goals: the whole sweep within GOAL_SECONDS per 2,000 tenants (10,000 in 5 minutes) and
        # within GOAL_RATIO of bare httpx.
        limit = GOAL_SECONDS * args.tenants / 2000
        ratio = seconds / baseline
        met = seconds <= limit and ratio <= GOAL_RATIO and checked == args.tenants
        print(
            f"goal: {args.tenants} tenants within {limit:.0f} s and within {GOAL_RATIO:.0f}x bare "
            f"httpx -> {'met' if met else 'NOT met'} ({seconds:.1f} s, {ratio:.2f}x, "
            f"{checked} checked)"
        )
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
