"""The ``staff_pages`` scenario of ``bench/pages.py``: every page of the load test
(bench/load_staff.py) in one process, on the database bench/load.py builds.

    python -m bench.pages staff_pages --database-url postgres://postgres@127.0.0.1:5432/bench

It starts the sandbox ERP (no added latency), registers 2,000 companies there and as tenants the
way bench/load.py does (bench/drivers.py), checks each of them once (so the pages show what they
show after a sweep: check runs, usage this hour, the ledger), and adds the Background jobs the
job pages poll (bench/staff_world.py). The database is built once; later runs reuse it (the
sandbox learns the companies again each run). Then each page is timed as a signed-in admin.
Set ``REDIS_URL`` to measure the Redis limiter and cache, as production runs.

Goal: every page under 25 ms server time (median), with a query count that does not grow with
the number of tenants (tests/*/test_query_counts.py pin them).
"""

from __future__ import annotations

import time

from .drivers import SweepDriver, tenant_ids
from .staff_world import CUSTOMER_QUERIES, ITEM_QUERIES, analyze, seed_jobs

TENANTS = 2000
GOAL_MS = 25.0


def _point_at(erp_url: str) -> None:
    from django.conf import settings

    for name in ("SANDBOX_URL", "VISMA_CONNECT_URL", "ERP_API_URL", "SALESORDER_API_URL"):
        setattr(settings, name, erp_url)


def _build(driver: SweepDriver) -> None:
    from tenants.models import Tenant
    from tenants.sweep import check_many

    started = time.perf_counter()
    print(f"Building {TENANTS} tenants, each checked once (once)...", flush=True)
    driver.start(TENANTS)
    check_many(list(Tenant.objects.values_list("pk", flat=True)), concurrency=8)
    seed_jobs(sorted(driver.pks))
    analyze()
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)


def staff_pages(bench) -> None:
    from bench import sandbox_process
    from bench.faults import Sandbox
    from tenants.models import Tenant

    process, erp_url = sandbox_process.start_sandbox("--world", "empty", "--latency-ms", "0")
    try:
        _point_at(erp_url)
        driver = SweepDriver(Sandbox(erp_url), window_seconds=3600)
        if Tenant.objects.count() < TENANTS:
            _build(driver)
        else:
            driver.register(tenant_ids(TENANTS))
        _measure(bench)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _measure(bench) -> None:
    from operations.jobs.models import BackgroundJob, JobOutcome
    from tenants.models import Tenant

    tenant = Tenant.objects.order_by("pk").first()
    job = BackgroundJob.objects.filter(outcome=JobOutcome.PENDING).order_by("pk").first()
    orders = f"/operations/tenants/{tenant.pk}/orders"
    print(f"staff_pages: {Tenant.objects.count():,} tenants")
    pages = [
        ("dashboard", "/", False),
        ("tenants list", "/tenants/", False),
        ("tenants list, active", "/tenants/?status=active", False),
        ("tenants list, searched", "/tenants/?q=Fault+Company+1", False),
        ("tenants list, active, 100 rows", "/tenants/?status=active&per_page=100", False),
        ("tenants list, by problem kind", "/tenants/?kind=no_license", False),
        ("tenant page", f"/tenants/{tenant.pk}/", False),
        ("usage dashboard", "/usage/", False),
        ("usage refresh (htmx)", "/usage/", True),
        ("issues inbox", "/tenants/issues/", False),
        ("operations index", "/operations/", False),
        ("job page", f"/operations/jobs/{job.pk}/", False),
        ("job page polling (htmx)", f"/operations/jobs/{job.pk}/", True),
        (
            "order form: customer lookup",
            f"{orders}/customers/?customer_id={CUSTOMER_QUERIES[0]}",
            True,
        ),
        (
            "order form: item lookup",
            f"{orders}/items/?lines-0-inventory_id={ITEM_QUERIES[0]}",
            True,
        ),
    ]
    worst = 0.0
    for label, path, htmx in pages:
        worst = max(worst, bench.measure(label, path, htmx=htmx))
    verdict = "within" if worst < GOAL_MS else "OVER"
    print(f"  goal: under {GOAL_MS:.0f} ms -> {verdict} (slowest median {worst:.1f} ms)")
