"""50 simulated staff on gunicorn + PostgreSQL + Redis, with and without a 2,000-tenant sweep.

    python -m bench.load [--users 50] [--seconds 90] [--tenants 2000] [--database portal_load]

It starts, as processes of its own (bench/stack.py): the sandbox ERP (20 ms per ERP call), a
private Redis (cache, limiter, beat's lock) and one as the broker, and Procfile.production's web
line in the production profile on PostgreSQL (DATABASE_URL's server, a database it creates),
with 2,000 tenants and their usage companies, and 20 Background jobs (bench/staff_world.py). Then
locust (bench/load_staff.py) runs the staff: dashboard, tenants list with filters, tenant pages,
usage dashboard and its htmx refresh, issues inbox, the operations index, job pages and their
polling, and the sales-order form's customer and item lookups (against the sandbox's customers
and items of 20 companies):

1. alone, for ``--seconds``;
2. again while worker1, worker2 and beat1 sweep all 2,000 tenants within those seconds.

Printed per page and phase: requests, p50, p95, p99 (ms) and errors; the last line says whether
the goal (p95 under 300 ms and no errors, in both phases) is met.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from . import sandbox_process
from .drivers import SweepDriver
from .faults import (
    Sandbox,
    prepare_database,
    setup_django,
    shape_env,
)
from .stack import ROOT, PrivateRedis, Stack, free_port, wait_for
from .staff_world import CUSTOMER_QUERIES, ITEM_QUERIES, LOOKUP_TENANTS, analyze, seed_jobs

GOAL_P95_MS = 300
PASSWORD = "load-test-password-2026"
EMAILS = ["viewer@load.example", "operator@load.example"]


def make_staff(sessions: int) -> tuple[list[str], list[str]]:
    """A viewer and an operator, and ``sessions`` signed-in sessions shared between them (one per
    simulated person): every session key, and the operator's."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group

    from portal.models import User
    from portal.roles import Role

    users = []
    for email, role in zip(EMAILS, (Role.VIEWER, Role.OPERATOR), strict=True):
        user = User.objects.create_user(email=email, password=PASSWORD)
        user.groups.set([Group.objects.get(name=role.value)])
        users.append(user)
    # The portal's own session store (Redis and the database, as a sign-in writes them).
    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    keys, operator_keys = [], []
    for number in range(sessions):
        user = users[number % len(users)]
        session = session_store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
        if user.email == EMAILS[1]:
            operator_keys.append(session.session_key)
    return keys, operator_keys


# The pages of bench/load_staff.py, each requested alone (no other staff): the server's own
# time on this machine, against which the times under load compare.
SINGLE_PAGES = {
    "dashboard": ("/", {}),
    "tenants list": ("/tenants/", {}),
    "tenants list, filtered": ("/tenants/?status=active", {}),
    "tenant page": ("/tenants/{pk}/", {}),
    "usage dashboard": ("/usage/", {}),
    "usage refresh (htmx)": ("/usage/", {"HX-Request": "true"}),
    "issues inbox": ("/tenants/issues/", {}),
    "operations index": ("/operations/", {}),
    "job page": ("/operations/jobs/{job}/", {}),
    "job page polling (htmx)": ("/operations/jobs/{job}/", {"HX-Request": "true"}),
    "order form: customer lookup": (
        f"/operations/tenants/{{pk}}/orders/customers/?customer_id={CUSTOMER_QUERIES[0]}",
        {"HX-Request": "true"},
    ),
    "order form: item lookup": (
        f"/operations/tenants/{{pk}}/orders/items/?lines-0-inventory_id={ITEM_QUERIES[0]}",
        {"HX-Request": "true"},
    ),
}
# The order form is an operator's; the other pages are timed as a viewer.
OPERATOR_PAGES = {"order form: customer lookup", "order form: item lookup"}


def one_at_a_time(
    web_url: str, sessions: dict[str, str], tenant_pk: int, job_pk: int, repeat: int = 7
) -> dict[str, float]:
    """Each page's median time alone; ``sessions``: a viewer's and an operator's session key."""
    import statistics

    import httpx

    medians = {}
    with httpx.Client(base_url=web_url, timeout=60) as http:
        for name, (path, extra) in SINGLE_PAGES.items():
            role = "operator" if name in OPERATOR_PAGES else "viewer"
            headers = {
                "X-Forwarded-Proto": "https",
                "Cookie": f"sessionid={sessions[role]}",
                **extra,
            }
            url = path.format(pk=tenant_pk, job=job_pk)
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                http.get(url, headers=headers).raise_for_status()
                times.append((time.perf_counter() - started) * 1000)
            medians[name] = statistics.median(times)
    return medians


def run_locust(args, web_url: str, csv_prefix: Path, env: dict[str, str]) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "load_staff.py"),
            "--headless",
            "--users",
            str(args.users),
            "--spawn-rate",
            str(args.users / 10),
            "--run-time",
            f"{args.seconds}s",
            "--host",
            web_url,
            "--csv",
            str(csv_prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
    )


def read_stats(csv_prefix: Path) -> dict[str, dict[str, float]]:
    rows = {}
    with open(f"{csv_prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                continue
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "p50": float(row["50%"]),
                "p95": float(row["95%"]),
                "p99": float(row["99%"]),
            }
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--tenants", type=int, default=2000)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument(
        "--sweep-window",
        type=int,
        default=600,
        help="seconds over which the sweep checks every tenant once (production: 3600)",
    )
    parser.add_argument("--database", default="portal_load")
    parser.add_argument("--out", default=str(ROOT / "var" / "load"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    sandbox_proc, erp_url = sandbox_process.start_sandbox(
        "--world", "empty", "--latency-ms", str(args.latency_ms)
    )
    redis = PrivateRedis().start()
    broker = PrivateRedis().start()
    stack = None
    try:
        prepare_database(args.database)
        web_port = free_port()
        shape = argparse.Namespace(window=args.sweep_window, batch=200, lease=300, time_limit=150)
        env = shape_env(
            shape,
            database=args.database,
            redis=redis,
            broker=broker,
            erp_url=erp_url,
            web_port=web_port,
            var_dir=out,
        )
        env.update(
            PORTAL_TRUSTED_PROXY_COUNT="1",
            WEB_CONCURRENCY="2",
            GUNICORN_THREADS="4",
            TENANTS_CHECK_TIMEOUT_SECONDS="15",
            LOG_LEVEL="WARNING",
        )
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        setup_django(env)
        sessions, operator_sessions = make_staff(args.users)
        driver = SweepDriver(Sandbox(erp_url), window_seconds=args.sweep_window)
        print(f"seeding {args.tenants} tenants ...", flush=True)
        driver.start(args.tenants, onboarded=True)  # as the hourly sweep finds them
        tenant_pks = sorted(driver.pks)
        job_pks = seed_jobs(tenant_pks)
        waiting_job_pks = job_pks[::2]  # every other one waits for the ERP (staff_world)
        analyze()

        stack = Stack(env=env, log_dir=out / "logs")
        stack.add("web", "worker1", "worker2", "beat1")
        stack.start("web")
        web_url = f"http://127.0.0.1:{web_port}"
        import httpx

        wait_for(
            lambda: httpx.get(f"{web_url}/readyz").status_code == 200, timeout=60, what="/readyz"
        )
        locust_env = {
            **os.environ,
            "LOAD_SESSIONS": ",".join(sessions),
            "LOAD_OPERATOR_SESSIONS": ",".join(operator_sessions),
            "LOAD_TENANT_PKS": ",".join(str(pk) for pk in tenant_pks[:500]),
            "LOAD_JOB_PKS": ",".join(str(pk) for pk in job_pks),
            "LOAD_WAITING_JOB_PKS": ",".join(str(pk) for pk in waiting_job_pks),
            "LOAD_LOOKUP_TENANT_PKS": ",".join(str(pk) for pk in tenant_pks[:LOOKUP_TENANTS]),
        }
        single = one_at_a_time(
            web_url,
            {"viewer": sessions[0], "operator": operator_sessions[0]},
            tenant_pks[0],
            waiting_job_pks[0],
        )
        load = os.getloadavg()[0]
        print(
            f"phase 1: {args.users} staff for {args.seconds} s, no sweep (load average {load:.2f})",
            flush=True,
        )
        run_locust(args, web_url, out / "alone", locust_env)

        logged = {worker: len(stack[worker].log()) for worker in ("worker1", "worker2")}
        stack.start("worker1", "worker2", "beat1")
        # Phase 2 measures the pages while the sweep runs, not while three Celery processes boot
        # (each imports Django and forks its children): the staff start once both workers are
        # ready, and the sweep's window opens then.
        for worker in ("worker1", "worker2"):
            wait_for(
                lambda worker=worker: "ready." in stack[worker].log()[logged[worker] :],
                timeout=120,
                what=f"{worker} to be ready",
            )
        driver.open_window(datetime.now(UTC) + timedelta(seconds=5))
        print(
            f"phase 2: {args.users} staff for {args.seconds} s while 2 workers sweep "
            f"{args.tenants} tenants over {args.sweep_window} s",
            flush=True,
        )
        started = datetime.now(UTC)
        run_locust(args, web_url, out / "sweep", locust_env)
        from tenants.models import CheckRun

        checked = CheckRun.objects.filter(started_at__gte=started).count()
    finally:
        if stack is not None:
            stack.stop()
        redis.close()
        broker.close()
        sandbox_proc.terminate()
        sandbox_proc.wait(timeout=10)

    alone, sweep = read_stats(out / "alone"), read_stats(out / "sweep")
    print()
    print("page | phase | requests | p50 ms | p95 ms | p99 ms | errors | alone (median ms)")
    print("--- | --- | --- | --- | --- | --- | --- | ---")
    worst, errors = 0.0, 0
    for name in sorted(set(alone) | set(sweep)):
        for phase, stats in (("alone", alone), ("sweep", sweep)):
            row = stats.get(name)
            if row is None:
                continue
            worst = max(worst, row["p95"])
            errors += row["errors"]
            print(
                f"{name} | {phase} | {row['requests']} | {row['p50']:.0f} | {row['p95']:.0f} | "
                f"{row['p99']:.0f} | {row['errors']} | {single.get(name, 0):.0f}"
            )
    print()
    print(
        f"the sweep checked {checked} tenants during phase 2 ({args.seconds} s); "
        f"load average before phase 1: {load:.2f}"
    )
    verdict = "met" if worst < GOAL_P95_MS and errors == 0 else "NOT met"
    print(
        f"goal: p95 under {GOAL_P95_MS} ms on every page and no errors, with and without the "
        f"sweep -> {verdict} (worst p95 {worst:.0f} ms, {errors} errors)"
    )


if __name__ == "__main__":
    main()
