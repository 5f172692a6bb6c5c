"""The fault suite: the production shape under a sweep of many tenants, hit by one fault after
another, then checked for lost, doubled and invisible work.

    python -m bench.faults [--tenants 2000] [--window 480] [--latency-ms 50]
                           [--orders 20] [--invoices 20]
                           [--database portal_faults] [--faults all|name,name]

It starts, as processes of its own (bench/stack.py): the sandbox ERP, a private redis-server
with an append-only file (the cache, the budget limiter and beat's lock), a private broker (a
second redis-server, or with ``--broker rabbitmq`` a RabbitMQ node of its own), and
Procfile.production's web, worker1, worker2 and beat1 in the production profile
against PostgreSQL (a database it creates). Each tenant is due once in the window, at its own
slot (tenants.schedule). Through most of the window, staff operations run too
(bench/operation_drivers.py): sales orders created and supplier-invoice releases queued as
Background jobs, through the portal's own services. A supervisor restarts a process that
dies, as systemd or an orchestrator would. Then, on a timeline through the window:

- the ERP gives 10 % 5xx, resets and timeouts; then a 429 storm for the companies due next;
- SIGKILL of one pool child of worker1 mid-batch; SIGKILL of worker2's main process, then restart;
- the broker (its Redis) restarted; the cache/limiter/lock Redis restarted;
- pg_terminate_backend on every connection the portal holds;
- a second beat started while the first runs, then the first SIGKILLed.

Afterwards: every tenant checked once in the window (lost = never checked, doubled = checked
twice), every operation finished, failed or unknown with a reason (lost = still pending), no ERP
write carried out twice (the sandbox's request log), no company over its budget (the
sandbox's counters), every failure visible (a check run with a reason). The table prints, per
fault: the operations due while it lasted (tenants due, operations whose work ran then), how
many failed visibly, lost, doubled, and the time from the fault to the first good check after
it. The last line says whether the goal is met.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psutil

from . import sandbox_process
from .drivers import FAILED, FINISHED, PENDING, UNKNOWN, SweepDriver, erp_writes_sent_twice
from .operation_drivers import InvoiceActionDriver, SalesOrderDriver
from .stack import ROOT, PrivateRabbit, PrivateRedis, Stack, free_port, wait_for

HARNESS = "faults-harness"


class Sandbox:
    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=30)

    def control(self, method: str, path: str, body: dict | None = None):
        response = self.http.request(method, path, json=body)
        response.raise_for_status()
        return response.json() if response.content else None


class RequestLog(threading.Thread):
    """Copies the sandbox's request log (it keeps the last 5,000) as the run goes."""

    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__(daemon=True)
        self.sandbox = sandbox
        self.entries: list[dict] = []
        self.since = 0
        self.stopped = threading.Event()

    def poll(self) -> None:
        while True:
            batch = self.sandbox.control("GET", f"/_sandbox/requests?since={self.since}&limit=5000")
            if not batch:
                return
            self.entries.extend(batch)
            self.since = max(entry["seq"] for entry in batch)
            if len(batch) < 5000:
                return

    def run(self) -> None:
        while not self.stopped.wait(1.0):
            try:
                self.poll()
            except httpx.HTTPError:
                continue


class Supervisor(threading.Thread):
    """Restarts a process of the shape that died (Restart=always), unless a fault holds it down."""

    def __init__(self, stack: Stack) -> None:
        super().__init__(daemon=True)
        self.stack = stack
        self.held: set[str] = set()
        self.wanted: set[str] = set()
        self.restarts: list[tuple[float, str]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            for name in sorted(self.wanted - self.held):
                process = self.stack[name]
                if not process.alive():
                    self.restarts.append((time.monotonic(), name))
                    process.start()


@dataclass
class Context:
    stack: Stack
    supervisor: Supervisor
    sandbox: Sandbox
    broker: PrivateRedis | PrivateRabbit
    redis: PrivateRedis
    driver: SweepDriver
    web_url: str
    database: str
    notes: list[str] = field(default_factory=list)
    # The staff operations running through the faults (bench/operation_drivers.py).
    operations: list = field(default_factory=list)


@dataclass
class Fault:
    name: str
    at: float  # seconds into the window
    inject: Callable[[Context], None]
    clear: Callable[[Context], None] | None = None
    hold: float = 0.0
    # A fault-specific sign of recovery, besides "a good check finished after it".
    recovered: Callable[[Context], bool] | None = None
    started: datetime | None = None
    recovered_at: datetime | None = None


# --- the faults ---------------------------------------------------------------------------------


def erp_faults_on(ctx: Context) -> None:
    ctx.sandbox.control(
        "POST", "/_sandbox/faults", {"error_rate": 0.04, "reset_rate": 0.03, "timeout_rate": 0.03}
    )


def erp_faults_off(ctx: Context) -> None:
    ctx.sandbox.control("POST", "/_sandbox/faults", {})


STORM_SECONDS = 40


def storm_on(ctx: Context) -> None:
    """The companies due in the next STORM_SECONDS have spent their hour: the ERP answers 429."""
    now = datetime.now(UTC)
    due = [
        t
        for t, slot in ctx.driver.slots().items()
        if now <= slot < now + timedelta(seconds=STORM_SECONDS)
    ]
    ctx.notes.append(f"429 storm: {len(due)} companies")
    for tenant_id in due:
        ctx.sandbox.control(
            "POST",
            "/_sandbox/usage",
            {"tenant_id": tenant_id, "client_id": ctx.driver.CLIENT_ID, "used": 15_000},
        )


def busiest_child(ctx: Context, name: str) -> psutil.Process | None:
    children = ctx.stack[name].children()
    before = {c.pid: sum(c.cpu_times()[:2]) for c in children if c.is_running()}
    time.sleep(1.0)
    busy = []
    for child in children:
        try:
            busy.append((sum(child.cpu_times()[:2]) - before.get(child.pid, 0), child))
        except psutil.Error:
            continue
    busy.sort(key=lambda pair: pair[0], reverse=True)
    return busy[0][1] if busy and busy[0][0] > 0 else None


def kill_pool_child(ctx: Context) -> None:
    child = wait_for(
        lambda: busiest_child(ctx, "worker1"), timeout=60, what="a busy pool child", every=0
    )
    ctx.notes.append(f"SIGKILL pool child {child.pid} of worker1")
    child.kill()


def kill_worker_main(ctx: Context) -> None:
    ctx.supervisor.held.add("worker2")
    ctx.notes.append(f"SIGKILL worker2 main process {ctx.stack['worker2'].pid}")
    ctx.stack["worker2"].kill(signal.SIGKILL)


def restart_worker(ctx: Context) -> None:
    ctx.stack["worker2"].stop(timeout=5)  # its orphaned pool children too
    ctx.supervisor.held.discard("worker2")  # the supervisor starts it again


def worker2_ready(ctx: Context) -> bool:
    """worker2 has said "ready" once for every time it was started."""
    return ctx.stack["worker2"].log().count(" ready.") >= ctx.stack["worker2"].starts


def broker_down(ctx: Context) -> None:
    ctx.broker.stop()


def broker_up(ctx: Context) -> None:
    ctx.broker.start()


def redis_down(ctx: Context) -> None:
    ctx.redis.stop()


def redis_up(ctx: Context) -> None:
    ctx.redis.start()


def terminate_connections(ctx: Context) -> None:
    import psycopg

    with psycopg.connect(server_url("postgres"), autocommit=True) as db:
        killed = db.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid() AND application_name <> %s",
            (ctx.database, HARNESS),
        ).fetchone()[0]
    ctx.notes.append(f"pg_terminate_backend: {killed} connections")


def second_beat(ctx: Context) -> None:
    ctx.supervisor.wanted.add("beat2")
    ctx.stack.start("beat2")
    sent = ctx.stack["beat1"].log().count("Sending due task")
    wait_for(
        lambda: (
            "beat: Starting" in ctx.stack["beat2"].log()
            and ctx.stack["beat1"].log().count("Sending due task") >= sent + 2
        ),
        timeout=60,
        what="beat2 up and beat1 still sending",
    )
    if ctx.stack["beat2"].log().count("Sending due task"):
        ctx.notes.append("beat2 sent tasks while beat1 held the lock")
    ctx.supervisor.held.add("beat1")
    ctx.notes.append("beat2 idle while beat1 ran; SIGKILL beat1")
    ctx.stack["beat1"].kill(signal.SIGKILL)


def beat2_sends(ctx: Context) -> bool:
    return ctx.stack["beat2"].log().count("Sending due task") > 0


def all_faults() -> list[Fault]:
    return [
        Fault("ERP 10% 5xx/resets/timeouts", 0.05, erp_faults_on, erp_faults_off, hold=40),
        Fault("429 storm", 0.17, storm_on, None, hold=STORM_SECONDS),
        Fault("SIGKILL pool child", 0.27, kill_pool_child),
        Fault(
            "SIGKILL worker main, restart",
            0.37,
            kill_worker_main,
            restart_worker,
            hold=5,
            recovered=worker2_ready,
        ),
        Fault("broker restart", 0.47, broker_down, broker_up, hold=3),
        Fault("Redis restart", 0.57, redis_down, redis_up, hold=3),
        Fault("pg_terminate_backend", 0.67, terminate_connections),
        Fault("second beat, first killed", 0.75, second_beat, recovered=beat2_sends),
    ]


# --- setting up ---------------------------------------------------------------------------------


def server_url(database: str) -> str:
    """DATABASE_URL's server (PostgreSQL) with another database name."""
    parts = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("The fault suite runs on PostgreSQL: set DATABASE_URL=postgres://...")
    return urlunsplit(("postgresql", parts.netloc, f"/{database}", "", ""))


def prepare_database(name: str) -> None:
    import psycopg

    with psycopg.connect(server_url("postgres"), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')


def shape_env(
    args,
    *,
    database: str,
    redis: PrivateRedis,
    broker: PrivateRedis,
    erp_url: str,
    web_port: int,
    var_dir: Path,
) -> dict[str, str]:
    from cryptography.fernet import Fernet

    keys = var_dir / "keys"
    if not keys.exists():
        keys.write_text(f"{os.urandom(48).hex()}\n{Fernet.generate_key().decode()}\n")
    secret, fernet = keys.read_text().split()
    lease = max(args.lease, args.time_limit + 10)
    return {
        **{k: v for k, v in os.environ.items() if k in {"HOME", "LANG", "PATH", "USER"}},
        "DJANGO_ENV": "production",
        "SECRET_KEY": secret,
        "FIELD_ENCRYPTION_KEYS": fernet,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "off",
        "PORTAL_MFA_REQUIRED_FOR_STAFF": "off",
        "PORTAL_VAR_DIR": str(var_dir),
        "DATABASE_URL": server_url(database).replace("postgresql://", "postgres://", 1),
        "REDIS_URL": redis.url(0),
        "CELERY_BROKER_URL": broker.url(0),
        "CELERY_RESULT_BACKEND": redis.url(1),
        "REDBEAT_LOCK_TIMEOUT": "15",
        "VISMA_CONNECT_URL": erp_url,
        "ERP_API_URL": erp_url,
        "SALESORDER_API_URL": erp_url,
        "GUNICORN_BIND": f"127.0.0.1:{web_port}",
        "WEB_CONCURRENCY": "2",
        "WORKER_CONCURRENCY": "2",
        "LOG_LEVEL": "INFO",
        "TENANTS_CHECK_INTERVAL_SECONDS": str(args.window),
        "TENANTS_SWEEP_TICK_SECONDS": "5",
        "TENANTS_SWEEP_BATCH_SIZE": str(args.batch),
        "TENANTS_SWEEP_LEASE_SECONDS": str(lease),
        "CELERY_TASK_TIME_LIMIT": str(args.time_limit),
        "CELERY_TASK_SOFT_TIME_LIMIT": str(args.time_limit - 10),
        "TENANTS_CHECK_TIMEOUT_SECONDS": "5",
    }


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ["DATABASE_URL"] = f"{env['DATABASE_URL']}?application_name={HARNESS}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()


def readyz(ctx: Context) -> bool:
    try:
        return httpx.get(f"{ctx.web_url}/readyz", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def good_check_after(moment: datetime) -> bool:
    from django.db import close_old_connections, connection

    from tenants.models import CheckOutcome, CheckRun

    try:
        return CheckRun.objects.filter(finished_at__gt=moment, outcome=CheckOutcome.PASSED).exists()
    except Exception:
        connection.close()
        close_old_connections()
        return False


# --- the run ------------------------------------------------------------------------------------


@dataclass
class Report:
    rows: list[tuple[str, int, int, int, int, str]]
    tenants: int
    lost: int
    doubled: int
    failed_without_reason: int
    writes_doubled: int
    over_budget: list[dict]
    restarts: list[str]
    notes: list[str]
    error_lines: int
    requests: int
    # Per staff-operation driver: count, finished, failed, unknown, lost, doubled, without_reason.
    operations: dict[str, dict[str, int]] = field(default_factory=dict)

    def table(self) -> str:
        head = ("fault", "ops due", "failed (visible)", "lost", "doubled", "time to recover")
        lines = [" | ".join(head), " | ".join("---" for _ in head)]
        for row in self.rows:
            lines.append(" | ".join(str(cell) for cell in row))
        return "\n".join(lines)

    @property
    def goal_met(self) -> bool:
        return not (
            self.lost
            or self.doubled
            or self.failed_without_reason
            or self.writes_doubled
            or self.over_budget
            or any(
                op["lost"] or op["doubled"] or op["without_reason"]
                for op in self.operations.values()
            )
        )


def run_suite(args, faults: list[Fault], log_dir: Path, out=print) -> Report:
    log_dir.mkdir(parents=True, exist_ok=True)
    sandbox_proc, erp_url = sandbox_process.start_sandbox(
        "--world", "empty", "--latency-ms", str(args.latency_ms), "--seed", "7"
    )
    redis = PrivateRedis(persistent=True).start()
    broker = (
        PrivateRabbit() if args.broker == "rabbitmq" else PrivateRedis(persistent=True)
    ).start()
    web_port = free_port()
    stack = None
    request_log = supervisor = None
    try:
        prepare_database(args.database)
        env = shape_env(
            args,
            database=args.database,
            redis=redis,
            broker=broker,
            erp_url=erp_url,
            web_port=web_port,
            var_dir=log_dir,
        )
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        setup_django(env)
        sandbox = Sandbox(erp_url)
        driver = SweepDriver(sandbox, window_seconds=args.window)
        out(f"seeding {args.tenants} tenants (sandbox and portal) ...")
        driver.start(args.tenants)

        stack = Stack(env=env, log_dir=log_dir)
        stack.add("web", "worker1", "worker2", "beat1", "beat2")
        supervisor = Supervisor(stack)
        supervisor.wanted = {"web", "worker1", "worker2", "beat1"}
        ctx = Context(
            stack,
            supervisor,
            sandbox,
            broker,
            redis,
            driver,
            f"http://127.0.0.1:{web_port}",
            args.database,
        )
        stack.start("web", "worker1", "worker2", "beat1")
        supervisor.start()
        request_log = RequestLog(sandbox)
        request_log.start()
        wait_for(lambda: readyz(ctx), timeout=90, what="/readyz")
        ctx.operations = start_operations(args, sandbox, request_log, out)
        start = datetime.now(UTC) + timedelta(seconds=args.warmup)
        driver.open_window(start)
        out(f"shape up; window {start:%H:%M:%S}Z + {args.window} s")

        for fault in faults:
            moment = start + timedelta(seconds=fault.at * args.window)
            time.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()))
            fault.started = datetime.now(UTC)
            out(f"{fault.started:%H:%M:%S}Z {fault.name}")
            fault.inject(ctx)
            if fault.hold:
                time.sleep(fault.hold)
            if fault.clear:
                fault.clear(ctx)
            cleared = datetime.now(UTC)

            def back(fault=fault, cleared=cleared) -> bool:
                if fault.recovered and not fault.recovered(ctx):
                    return False
                return readyz(ctx) and good_check_after(cleared)

            try:
                wait_for(back, timeout=180, what=f"recovery from {fault.name}", every=0.5)
                fault.recovered_at = datetime.now(UTC)
            except TimeoutError as error:
                ctx.notes.append(str(error))

        end = start + timedelta(seconds=args.window)
        deadline = end + timedelta(seconds=int(env["TENANTS_SWEEP_LEASE_SECONDS"]) + 60)

        def settled() -> bool:
            if datetime.now(UTC) < end:
                return False
            if not all(op.done() for op in ctx.operations):
                return False
            return all(
                o.state != PENDING for d in (driver, *ctx.operations) for o in d.outcomes().values()
            )

        try:
            wait_for(
                settled,
                timeout=(deadline - datetime.now(UTC)).total_seconds(),
                what="every tenant checked",
                every=2,
            )
        except TimeoutError as error:
            ctx.notes.append(str(error))
        request_log.stopped.set()
        request_log.join(timeout=10)
        request_log.poll()
        return report(ctx, faults, request_log.entries, supervisor, start)
    finally:
        if request_log is not None:
            request_log.stopped.set()
        if supervisor is not None:
            supervisor.stopped.set()
            supervisor.join(timeout=5)
        if stack is not None:
            stack.stop()
        broker.close()
        redis.close()
        sandbox_proc.terminate()
        sandbox_proc.wait(timeout=10)


def start_operations(args, sandbox: Sandbox, request_log: RequestLog, out) -> list:
    """The staff operations, spread over most of the window so every fault meets some."""
    spread = args.window * 0.85
    drivers = []
    for count, kind in ((args.orders, SalesOrderDriver), (args.invoices, InvoiceActionDriver)):
        if count:
            driver = kind(sandbox, spread_seconds=spread, requests=lambda: request_log.entries)
            out(f"starting {count} {driver.name} ...")
            driver.start(count)
            drivers.append(driver)
    return drivers


def operations_summary(operations: list) -> dict[str, dict[str, int]]:
    summary = {}
    for driver in operations:
        outcomes = driver.outcomes().values()
        summary[driver.name] = {
            "count": len(outcomes),
            "finished": sum(o.state == FINISHED for o in outcomes),
            "failed": sum(o.state == FAILED for o in outcomes),
            "unknown": sum(o.state == UNKNOWN for o in outcomes),
            "lost": sum(o.state == PENDING for o in outcomes),
            "doubled": sum(o.repeats > 0 for o in outcomes),
            "without_reason": sum(
                o.state in (FAILED, UNKNOWN) and not o.reason.strip() for o in outcomes
            ),
        }
    return summary


def report(ctx, faults, requests, supervisor, start) -> Report:
    outcomes = ctx.driver.outcomes()
    slots = ctx.driver.slots()
    # An operation meets a fault when its work ran while the fault lasted.
    operations = [o for d in ctx.operations for o in d.outcomes().values()]
    rows = []
    for fault in faults:
        until = fault.recovered_at or datetime.now(UTC)
        due = [outcomes[t] for t, slot in slots.items() if fault.started <= slot <= until]
        due += [
            o
            for o in operations
            if o.first_at and o.first_at <= until and (o.last_at or o.first_at) >= fault.started
        ]
        rows.append(
            (
                fault.name,
                len(due),
                sum(o.state == FAILED for o in due),
                sum(o.state == PENDING for o in due),
                sum(o.repeats > 0 for o in due),
                f"{(until - fault.started).total_seconds():.1f} s"
                if fault.recovered_at
                else "not recovered",
            )
        )
    usage = ctx.sandbox.control("GET", "/_sandbox/usage")
    over = [row for row in usage if row["used"] > row["limit"]]
    errors = sum(
        line.count(" ERROR ")
        for name in ("worker1", "worker2", "beat1", "beat2", "web")
        for line in ctx.stack[name].log().splitlines()
    )
    restarts = [
        f"{name} {(datetime.now(UTC) - start).total_seconds() - (time.monotonic() - when):.0f} s "
        "into the window"
        for when, name in supervisor.restarts
    ]
    return Report(
        rows=rows,
        tenants=len(outcomes),
        lost=sum(o.state == PENDING for o in outcomes.values()),
        doubled=sum(o.repeats > 0 for o in outcomes.values()),
        failed_without_reason=sum(
            o.state != FINISHED and not o.reason.strip() for o in outcomes.values()
        ),
        writes_doubled=len(erp_writes_sent_twice(requests)),
        over_budget=over,
        restarts=restarts,
        notes=ctx.notes,
        error_lines=errors,
        requests=len(requests),
        operations=operations_summary(ctx.operations),
    )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=2000)
    parser.add_argument("--window", type=int, default=480, help="seconds; each tenant due once")
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--time-limit", type=int, default=60)
    parser.add_argument("--lease", type=int, default=70)
    parser.add_argument(
        "--orders", type=int, default=20, help="sales orders created through the faults (0: none)"
    )
    parser.add_argument(
        "--invoices", type=int, default=20, help="invoice releases queued as Background jobs"
    )
    parser.add_argument("--warmup", type=int, default=5, help="seconds before the window opens")
    parser.add_argument(
        "--database", default="portal_faults", help="created anew on DATABASE_URL's server"
    )
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument(
        "--broker", choices=["redis", "rabbitmq"], default="redis", help="a private one of each"
    )
    parser.add_argument("--faults", default="all", help="all, or names (comma-separated, any part)")
    parser.add_argument("--log-dir", default=str(ROOT / "var" / "faults"))
    return parser.parse_args(argv)


def select(faults: list[Fault], spec: str) -> list[Fault]:
    if spec == "all":
        return faults
    wanted = [part.strip().lower() for part in spec.split(",")]
    return [f for f in faults if any(w in f.name.lower() for w in wanted)]


def main() -> None:
    args = parse_args()
    faults = select(all_faults(), args.faults)
    result = run_suite(args, faults, Path(args.log_dir))
    print()
    print(result.table())
    print()
    print(
        f"tenants {result.tenants}: lost {result.lost}, checked twice {result.doubled}, "
        f"failed without a reason {result.failed_without_reason}"
    )
    print(
        f"ERP requests logged {result.requests}; identical ERP writes sent twice: "
        f"{result.writes_doubled}; companies over budget: {len(result.over_budget)}"
    )
    for name, op in result.operations.items():
        print(
            f"{name} {op['count']}: finished {op['finished']}, failed {op['failed']}, "
            f"unknown {op['unknown']}, lost {op['lost']}, doubled {op['doubled']}, "
            f"failed or unknown without a reason {op['without_reason']}"
        )
    print(f"processes restarted by the supervisor: {', '.join(result.restarts) or 'none'}")
    print(f"ERROR lines in the logs: {result.error_lines} (in {args.log_dir})")
    for note in result.notes:
        print(f"note: {note}")
    if args.json:
        Path(args.json).write_text(json.dumps({**asdict(result), "goal_met": result.goal_met}))
    verdict = "met" if result.goal_met else "NOT met"
    print(
        f"goal (nothing lost or doubled, every failure with a reason, no company over "
        f"budget): {verdict}"
    )


if __name__ == "__main__":
    main()
