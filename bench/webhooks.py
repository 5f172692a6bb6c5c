"""Signed dispatcher notifications posted to the portal served by gunicorn, next to a bare view.

    python -m bench.webhooks [--database-url postgres://...] [--redis redis://...] [--requests 3000]

Starts gunicorn with the portal's own ``gunicorn.conf.py`` (gthread, as production runs the web),
2 workers, on the portal with PostgreSQL, and Redis as its cache and Celery broker as in
production (``--redis``; a ``CELERY_BROKER_URL`` already set is kept), then posts the same number
of requests, at the same concurrency, to

- the bare view: a Django view behind the portal's whole middleware that only answers 200;
- the store floor: the same, plus one committed INSERT of the raw body into a one-column table
  (bench/webhooks_site.py): the least a store-first endpoint does before it answers;
- the inbox: ``/webhooks/in/visma/`` with distinct notifications, each signed with the
  subscription's key (signatures made before the clock starts), each stored, verified, deduped,
  committed and queued for Celery (pk only).

Prints accepted per second, p50 and p99 for each and the ratios. Goal (issue 12): at least 500
stored and verified per second, p99 under 50 ms, within 2x the bare view. The store floor's own
ratio to the bare view says how much of that 2x a committed row spends before the inbox does any
work of its own. The client runs on the same machine and shares its cores with the server, so
absolute figures are a floor.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
KEY = "bench-subscription-key-0123456789"
TENANT = "5d1f3b0a-8c2e-4f6a-9b71-2e4c6a8d0f11"
GOAL_PER_SECOND = 500.0
GOAL_P99_MS = 50.0
GOAL_RATIO = 2.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_database(env: dict[str, str]) -> None:
    """Migrate the bench database and give the portal the subscription's key."""
    script = (
        "import django; django.setup();"
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0);"
        "from webhooks.models import Subscription, SigningKey, InboundDelivery;"
        # TRUNCATE, not DELETE: a server without autovacuum would keep every earlier run's dead
        # rows in the table and its indexes, and each run would insert slower than the last.
        "from django.db import connection;"
        "from bench.webhooks_site import STORE_FLOOR_TABLE as floor;"
        "cursor = connection.cursor();"
        "cursor.execute("
        "f'TRUNCATE {InboundDelivery._meta.db_table} RESTART IDENTITY CASCADE');"
        "cursor.execute("
        "f'CREATE TABLE IF NOT EXISTS {floor} (id bigserial PRIMARY KEY, body bytea)');"
        "cursor.execute(f'TRUNCATE {floor} RESTART IDENTITY');"
        "s, _ = Subscription.objects.get_or_create(name='bench');"
        "SigningKey.objects.filter(subscription=s).delete();"
        f"SigningKey.objects.create(subscription=s, label='bench', secret={KEY!r})"
    )
    subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True)


def create_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if exists.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def signed_requests(count: int) -> list[tuple[bytes, dict[str, str]]]:
    from webhooks.verification import sign

    requests = []
    for _ in range(count):
        notification = str(uuid.uuid4())
        body = json.dumps(
            {
                "notificationId": notification,
                "eventId": "bench_event",
                "tenantId": TENANT,
                "action": "Updated",
                "entityId": "Invoice/100012",
            },
            separators=(",", ":"),
        ).encode()
        headers = {
            "content-type": "application/json",
            "x-vwd-signature-v1": sign(body, KEY),
            "x-vwd-notification-id": notification,
            "x-vwd-event-id": "bench_event",
            "x-vwd-tenant-id": TENANT,
        }
        requests.append((body, headers))
    return requests


def run(url: str, requests, concurrency: int, accepted: set[int]) -> dict[str, float]:
    """Post every request from ``concurrency`` keep-alive connections; per-request latency;
    accepted = answers with a status in ``accepted``.

    The client is geventhttpclient (locust's fast client) on greenlets: a request costs it a
    tenth of what httpx in threads costs, so the two cores the client shares with the server go
    to the server, which is what is measured."""
    import gevent.pool
    from geventhttpclient import HTTPClient
    from geventhttpclient.url import URL

    target = URL(url)
    pending = iter(requests)
    latencies: list[float] = []
    statuses: list[int] = []

    def connection() -> None:
        http = HTTPClient.from_url(target, concurrency=1, network_timeout=30)
        try:
            for body, headers in pending:
                started = time.perf_counter()
                response = http.post(target.request_uri, body=body, headers=headers)
                response.read()
                latencies.append((time.perf_counter() - started) * 1000.0)
                statuses.append(response.status_code)
        finally:
            http.close()

    started = time.perf_counter()
    group = gevent.pool.Group()
    for _ in range(concurrency):
        group.spawn(connection)
    group.join(raise_error=True)
    wall = time.perf_counter() - started
    latencies.sort()
    ok = sum(status in accepted for status in statuses)
    return {
        "per_second": ok / wall,
        "ok": ok,
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }


def server_cpu_seconds(server_pid: int, database: str) -> tuple[float, float]:
    """CPU seconds used so far by gunicorn (master and workers) and by the PostgreSQL backends
    serving the bench database: what the server side spent, whatever else the machine runs."""
    import psutil
    import psycopg

    with psycopg.connect(database, autocommit=True) as connection:
        name = database.rsplit("/", 1)[1]
        backends = [
            row[0]
            for row in connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
        ]
    master = psutil.Process(server_pid)
    return _cpu([master, *master.children(recursive=True)]), _cpu(map(_process, backends))


def _cpu(processes) -> float:
    import psutil

    total = 0.0
    for process in processes:
        if process is None:
            continue
        try:
            times = process.cpu_times()
        except psutil.Error:  # a backend that ended meanwhile
            continue
        total += times.user + times.system
    return total


def _process(pid: int):
    import psutil

    try:
        return psutil.Process(pid)
    except psutil.Error:
        return None


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    path: str
    status: int


KINDS = (
    Kind("bare", "bare Django view (200)", "/bench/bare/", 200),
    Kind("machine", "bare machine endpoint (200)", "/webhooks/in/bench-bare/", 200),
    Kind("floor", "store floor (one row)", "/bench/store-floor/", 200),
    Kind("inbox", "inbox (202, stored)", "/webhooks/in/visma/", 202),
)


def summary(rounds: list[dict[str, float]]) -> dict[str, float]:
    """One kind's figures over the rounds: medians, and every accepted request counted."""
    shown = {name: statistics.median(one[name] for one in rounds) for name in rounds[0]}
    shown["ok"] = sum(one["ok"] for one in rounds)
    return shown


def paired(rounds, faster: str, slower: str) -> float:
    """The median over the rounds of ``faster``'s throughput over ``slower``'s."""
    return statistics.median(
        one[faster]["per_second"] / one[slower]["per_second"] for one in rounds
    )


def measured(url, requests, concurrency, accepted, server_pid, database):
    web_before, database_before = server_cpu_seconds(server_pid, database)
    figures = run(url, requests, concurrency, accepted)
    web_after, database_after = server_cpu_seconds(server_pid, database)
    figures["web_ms"] = (web_after - web_before) * 1000 / len(requests)
    figures["database_ms"] = (database_after - database_before) * 1000 / len(requests)
    figures["cpu_ms"] = figures["web_ms"] + figures["database_ms"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_webhooks"
        ),
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14",
        help="the cache and broker, as production has them (the inbox's announcements use both)",
    )
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="the kinds take turns this often")
    parser.add_argument(
        "--threads", type=int, default=4, help="threads per worker (gunicorn.conf.py's default)"
    )
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("The bench measures the production setup: give a PostgreSQL URL.")

    create_database(args.database_url)
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.webhooks_settings",
        "DATABASE_URL": args.database_url,
        "DJANGO_ENV": "development",
        "DEBUG": "false",
        # Without DEBUG the portal wants a SECRET_KEY; one per run (keys are re-made each run).
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PORTAL_VAR_DIR": str(ROOT / "var" / "bench-webhooks"),
        "REDIS_URL": args.redis,
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL") or args.redis,
    }
    prepare_database(env)
    log_path = Path(env["PORTAL_VAR_DIR"]) / "gunicorn.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    server_log = log_path.open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.webhooks_site_wsgi:application",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            # Production recycles a worker every ~2,000 requests; one recycled mid-run resets the
            # bench's keep-alive connections, so the run measures the steady state instead.
            "--max-requests",
            "0",
            # The run is over when it stops: no 30 s grace for the keep-alive connections.
            "--graceful-timeout",
            "5",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--backlog",
            "2048",
        ],
        env=env,
        cwd=ROOT,
        # The access log is written as in production, to a file rather than over the figures.
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(base + "/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start")
        warm = signed_requests(200)
        for kind in KINDS:
            run(base + kind.path, warm, args.concurrency, {kind.status})

        print(
            f"{args.requests:,} signed notifications a kind in each of {args.rounds} round(s), "
            f"concurrency {args.concurrency}, gunicorn {args.workers} workers x {args.threads} "
            f"thread(s), PostgreSQL, broker "
            f"{env.get('CELERY_BROKER_URL', 'filesystem (default)').split('://')[0]}"
        )
        # The kinds take turns, round after round, so a machine that speeds up or slows down
        # during the run moves each kind alike; each ratio pairs figures of the same round.
        rounds = []
        for _ in range(args.rounds):
            requests = signed_requests(args.requests)  # new notification ids every round
            rounds.append(
                {
                    kind.name: measured(
                        base + kind.path,
                        requests,
                        args.concurrency,
                        {kind.status},
                        server.pid,
                        args.database_url,
                    )
                    for kind in KINDS
                }
            )
        figures = {kind.name: summary([one[kind.name] for one in rounds]) for kind in KINDS}
        for kind in KINDS:
            shown = figures[kind.name]
            print(
                f"  {kind.label:<30} {shown['per_second']:6.0f} accepted/s  "
                f"p50 {shown['p50']:5.1f} ms  p99 {shown['p99']:5.1f} ms  "
                f"({shown['ok']:,} accepted)\n{'':34}server CPU per request: gunicorn "
                f"{shown['web_ms']:.2f} ms + PostgreSQL {shown['database_ms']:.2f} ms"
            )
        ratios = [one["bare"]["per_second"] / one["inbox"]["per_second"] for one in rounds]
        ratio = statistics.median(ratios)
        bare, floor, inbox = figures["bare"], figures["floor"], figures["inbox"]
        print(
            f"  ratio bare/inbox throughput {ratio:.2f}x (median; each round: "
            f"{', '.join(f'{one:.2f}x' for one in ratios)}), inbox/bare p50 "
            f"{inbox['p50'] / bare['p50']:.2f}x, inbox/bare server CPU "
            f"{inbox['cpu_ms'] / bare['cpu_ms']:.2f}x (gunicorn and PostgreSQL)"
        )
        print(
            f"  ratio bare/store floor throughput {paired(rounds, 'bare', 'floor'):.2f}x, server "
            f"CPU {floor['cpu_ms'] / bare['cpu_ms']:.2f}x: one committed row before the answer, "
            f"nothing else; inbox/store floor throughput {paired(rounds, 'floor', 'inbox'):.2f}x"
        )
        print(
            f"  ratio bare machine endpoint/inbox throughput "
            f"{paired(rounds, 'machine', 'inbox'):.2f}x: the inbox's own work, each without the "
            "browser middleware"
        )
        print(f"  load average {os.getloadavg()[0]:.2f} (the client shares the cores)")
        bare_ms, inbox_ms = server_time(env)
        print(
            f"  server time in one process (Django's test client, no network client): bare "
            f"{bare_ms:.2f} ms, inbox {inbox_ms:.2f} ms per request ({inbox_ms / bare_ms:.1f}x)"
        )
        stored = count_verified(env)
        print(f"  deliveries stored and verified in the database: {stored:,}")
        met = (
            inbox["per_second"] >= GOAL_PER_SECOND
            and inbox["p99"] < GOAL_P99_MS
            and ratio <= GOAL_RATIO
            and inbox["ok"] == args.requests * args.rounds
        )
        print(
            f"goal (>= {GOAL_PER_SECOND:.0f}/s, p99 < {GOAL_P99_MS:.0f} ms, within "
            f"{GOAL_RATIO:.0f}x of the bare view): {'met' if met else 'NOT met'}"
        )
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server_log.close()
        purge(env)


SERVER_TIME = """
import json, time, uuid
import django
django.setup()
from django.test import Client
from bench.webhooks import signed_requests
client = Client()
requests = signed_requests(600)
def post(path, items, expected):
    started = time.perf_counter()
    for body, headers in items:
        extra = {k: v for k, v in headers.items() if k != "content-type"}
        response = client.post(path, data=body, content_type="application/json", headers=extra)
        assert response.status_code == expected, response.status_code
    return (time.perf_counter() - started) * 1000 / len(items)
post("/bench/bare/", requests[:100], 200)
post("/webhooks/in/visma/", requests[:100], 202)
print(json.dumps([post("/bench/bare/", requests[100:], 200),
                  post("/webhooks/in/visma/", requests[100:], 202)]))
"""


def server_time(env: dict[str, str]) -> tuple[float, float]:
    """Milliseconds per request of each view inside one process: the server's own cost."""
    out = subprocess.run(
        [sys.executable, "-c", SERVER_TIME],
        env={**env, "ALLOWED_HOSTS": "testserver,127.0.0.1", "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    bare, inbox = json.loads(out.stdout.strip().splitlines()[-1])
    return bare, inbox


def count_verified(env: dict[str, str]) -> int:
    script = (
        "import django; django.setup();"
        "from webhooks.models import InboundDelivery;"
        "print(InboundDelivery.objects.filter(verified=True).count())"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True
    )
    return int(out.stdout.strip() or 0)


def purge(env: dict[str, str]) -> None:
    """Drop the Celery messages the run queued (no worker consumes them here)."""
    script = "import django; django.setup(); from portal.celery import app; app.control.purge()"
    subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
