"""Background jobs from submit to verified by GET: by webhook and by polling.

    python -m bench.background_jobs [--actions 200] [--delay 1.0]
                                    [--database-url postgres://...]

The sandbox ERP runs as a separate process with ``--background-delay`` seconds between accepting a
Background API request and running it. The portal side releases ``--actions`` supplier invoices,
``--rate`` a second (each on its own invoice, with If-Match and the correlation header), through
``operations.jobs.services``, exactly as a person's click does, twice:

1. **webhook**: the API client has a webhook address; the sandbox signs each
   ``BACKGROUND_API_RESPONSE`` and posts it to a small receiver in this process, which checks the
   signature over the raw body and hands the event to the registered handler (standing in for the
   webhook inbox, which stores it first); the poll fallback waits
   ``OPERATIONS_JOB_NOTIFY_WAIT_SECONDS`` (5 s) and so never fires;
2. **polling**: a client with no webhook address; the first poll comes
   ``--delay`` seconds after the 202 (a deployment without the subscription sets
   ``OPERATIONS_JOB_NOTIFY_WAIT_SECONDS`` near the ERP's usual run time), then with backoff.

Celery's countdowns are replaced by an in-process timer and thread pool (the same functions the
tasks call), so the figures are the job's own path; a broker round trip (milliseconds on Redis)
is not in them. Printed per path: the median and p95 time from submit to verified, next to the
delay itself (the baseline: no job can be verified before the ERP has run it), and the ERP calls
per job. Goals: webhook median within delay + 1 s with at most 3 ERP calls per job; polling
median within 2 x the delay.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import heapq
import hmac
import json
import os
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from . import sandbox_process

ROOT = Path(__file__).resolve().parent.parent
WEBHOOK_CLIENT = ("isv_bench_webhook", "bench-webhook-secret-not-real")
POLLING_CLIENT = ("isv_bench_polling", "bench-polling-secret-not-real")
WEBHOOK_KEY = "bench-webhook-signing-key"
COMPANIES_PER_PATH = 8
WORKERS = 16


def tenant_id(path: str, number: int) -> str:
    base = 0xB1_0000_0000_4000_8000_0000_0000_0000 if path == "webhook" else 0xB2 << 120
    return str(uuid.UUID(int=base + 0x4000_8000_0000_0000_0000 + number))


class Scheduler:
    """Celery's countdowns, in process: a timer heap feeding a thread pool."""

    def __init__(self, workers: int) -> None:
        self.pool = ThreadPoolExecutor(workers)
        self._heap: list[tuple[float, int, object, tuple]] = []
        self._lock = threading.Condition()
        self._count = 0
        self._stop = False
        self.errors: list[str] = []
        threading.Thread(target=self._loop, daemon=True).start()

    def later(self, delay: float, function, *args) -> None:
        with self._lock:
            self._count += 1
            heapq.heappush(self._heap, (time.monotonic() + delay, self._count, function, args))
            self._lock.notify()

    def _loop(self) -> None:
        while True:
            with self._lock:
                while not self._stop and (not self._heap or self._heap[0][0] > time.monotonic()):
                    timeout = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._lock.wait(timeout)
                if self._stop:
                    return
                _, _, function, args = heapq.heappop(self._heap)
            self.pool.submit(self._run, function, args)

    def _run(self, function, args) -> None:
        from usage.deferral import DEFERRED_ERRORS, countdown_for

        try:
            function(*args)
        except DEFERRED_ERRORS as error:
            self.later(countdown_for(error, jitter=False), function, *args)
        except Exception as error:
            self.errors.append(f"{type(error).__name__}: {error}")

    def stop(self) -> None:
        with self._lock:
            self._stop = True
            self._lock.notify()
        self.pool.shutdown(wait=True)


def start_receiver(scheduler: Scheduler) -> tuple[ThreadingHTTPServer, str]:
    """The webhook inbox's stand-in: verify the signature over the raw body, answer at once, and
    hand the event to the registered handler in the background (the inbox does it in Celery)."""
    from operations.jobs.handlers import on_background_response
    from webhooks.handlers import Event, Source

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            expected = base64.b64encode(
                hmac.new(WEBHOOK_KEY.encode(), raw, hashlib.sha256).digest()
            ).decode()
            valid = hmac.compare_digest(expected, self.headers.get("x-vwd-signature-v1", ""))
            self.send_response(200 if valid else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()
            if not valid:
                return
            headers = {name.lower(): value for name, value in self.headers.items()}
            event = Event(
                delivery_id=0,
                source=Source.VISMA,
                event_type=headers.get("x-vwd-event-id", ""),
                erp_tenant_id=headers.get("x-vwd-tenant-id", ""),
                notification_id=headers.get("x-vwd-notification-id", ""),
                headers=headers,
                payload=json.loads(raw),
            )
            scheduler.later(0, on_background_response, event)

        def log_message(self, *args) -> None:
            pass

    class Server(ThreadingHTTPServer):
        # The default backlog of 5 drops bursts of notifications (a client retries a refused
        # connection only after a second); a web server's backlog is far larger.
        request_queue_size = 1024

    server = Server(("127.0.0.1", sandbox_process.free_port()), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/hooks/background"


def setup_sandbox(url: str, receiver_url: str) -> None:
    with httpx.Client(base_url=url, timeout=30) as http:
        for (client_id, secret), hook in ((WEBHOOK_CLIENT, receiver_url), (POLLING_CLIENT, None)):
            body = {"client_id": client_id, "client_secret": secret, "type": "production"}
            if hook:
                body.update({"webhook_url": hook, "webhook_secret": WEBHOOK_KEY})
            http.post("/_sandbox/clients", json=body).raise_for_status()
        for path, (client_id, _) in (("webhook", WEBHOOK_CLIENT), ("polling", POLLING_CLIENT)):
            for number in range(1, COMPANIES_PER_PATH + 1):
                http.post(
                    "/_sandbox/tenants",
                    json={
                        "tenant_id": tenant_id(path, number),
                        "company_id": (8_100_000 if path == "webhook" else 8_200_000) + number,
                        "name": f"Bench {path} {number}",
                        "client_ids": [client_id],
                        "with_demo_documents": True,
                    },
                ).raise_for_status()


def setup_django(database_url: str, sandbox_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["SANDBOX_URL"] = sandbox_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DJANGO_ENV", "test")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()


def populate_portal() -> dict[str, list]:
    from django.core.management import call_command
    from django.db import transaction

    from operations.jobs.models import BackgroundJob
    from tenants import services
    from tenants.models import ApiClient, Customer, Environment, Tenant

    call_command("migrate", verbosity=0)
    made: dict[str, list] = {}
    with transaction.atomic():
        BackgroundJob.objects.all().delete()
        customer, _ = Customer.objects.get_or_create(name="Bench Customer AS")
        for path, (client_id, secret) in (("webhook", WEBHOOK_CLIENT), ("polling", POLLING_CLIENT)):
            api_client = ApiClient.objects.filter(client_id=client_id).first()
            if api_client is None:
                api_client = services.api_client_create(
                    actor=None,
                    name=f"Bench {path} client",
                    client_id=client_id,
                    client_secret=secret,
                    client_type="production",
                    environment=Environment.SANDBOX,
                )
            Tenant.objects.filter(api_client=api_client).delete()
            tenants = Tenant.objects.bulk_create(
                Tenant(
                    tenant_id=tenant_id(path, n),
                    company_id=(8_100_000 if path == "webhook" else 8_200_000) + n,
                    name=f"Bench {path} {n}",
                    customer=customer,
                    api_client=api_client,
                    status="active",
                )
                for n in range(1, COMPANIES_PER_PATH + 1)
            )
            for tenant in tenants:
                services.sync_metering(tenant)
            made[path] = tenants
    return made


def releasable(tenants: list, count: int) -> list[tuple]:
    """``count`` (tenant, invoice) pairs, each a Balanced document read from a list page."""
    from operations.erp import StaffClient

    found = []
    for tenant in tenants:
        with StaffClient(tenant) as erp:
            page = erp.client.supplier_invoices.page(page_size=100, status="Balanced")
        found += [(tenant, invoice) for invoice in page.items if not invoice.hold]
        if len(found) >= count:
            return found[:count]
    raise SystemExit(f"only {len(found)} Balanced invoices in {len(tenants)} companies")


def run(path: str, pairs: list[tuple], rate: float, timeout: float) -> list:
    from operations.jobs import services
    from operations.jobs.models import BackgroundJob

    started = time.monotonic()
    pks = []
    for tenant, invoice in pairs:
        job, _ = services.job_queue(
            actor=None,
            tenant=tenant,
            operation="release",
            document_type=invoice.document_type,
            document_number=invoice.number,
            if_match=invoice.etag,
            seen={"status": invoice.status},
        )
        pks.append(job.pk)
        # Staff actions arrive at a rate, not all in the same millisecond.
        time.sleep(1 / rate)
    while time.monotonic() - started < timeout:
        if not BackgroundJob.objects.filter(pk__in=pks, outcome="pending").exists():
            break
        time.sleep(0.2)
    return list(BackgroundJob.objects.filter(pk__in=pks))


def report(path: str, jobs: list, delay: float) -> tuple[float, float, float, int]:
    verified = [j for j in jobs if j.outcome == "verified"]
    times = sorted((j.verified_at - j.created_at).total_seconds() for j in verified)
    calls = [j.erp_calls for j in verified]
    median = statistics.median(times) if times else float("inf")
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))] if times else float("inf")
    mean_calls = statistics.mean(calls) if calls else float("inf")
    by = {j.finished_by for j in verified}
    print(
        f"{path:8} {len(verified):4}/{len(jobs)} verified (finished by {', '.join(sorted(by))}); "
        f"submit -> verified median {median:5.2f} s, p95 {p95:5.2f} s "
        f"(delay {delay:.2f} s; median/delay {median / delay:4.2f}); "
        f"ERP calls per job mean {mean_calls:.2f}, max {max(calls) if calls else 0}"
    )
    phases = (
        ("submit->sent", "created_at", "sent_at"),
        ("sent->202", "sent_at", "accepted_at"),
        ("202->finished", "accepted_at", "finished_at"),
        ("finished->verified", "finished_at", "verified_at"),
    )
    parts = []
    for name, start, end in phases:
        spans = [
            (getattr(j, end) - getattr(j, start)).total_seconds()
            for j in verified
            if getattr(j, start) and getattr(j, end)
        ]
        if spans:
            parts.append(f"{name} {statistics.median(spans):.2f} s")
    print(f"{'':8} median phases: " + ", ".join(parts))
    return median, p95, mean_calls, max(calls) if calls else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--delay", type=float, default=1.0)
    parser.add_argument("--rate", type=float, default=10.0, help="actions submitted per second")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL")
        or f"sqlite:///{ROOT / 'var' / 'bench-background-jobs.sqlite3'}",
    )
    args = parser.parse_args()

    process, url = sandbox_process.start_sandbox(
        "--world", "demo", "--background-delay", str(args.delay),
        "--production-hourly-limit", "10000000",
    )  # fmt: skip
    scheduler = None
    try:
        setup_django(args.database_url, url)
        from django.conf import settings

        from operations.jobs import progress, services, tasks

        scheduler = Scheduler(WORKERS)
        tasks.enqueue_send = lambda pk: scheduler.later(0, services.job_send, pk)
        tasks.enqueue_advance = lambda pk, due, delay: scheduler.later(
            delay, progress.job_advance, pk, due
        )
        server, receiver_url = start_receiver(scheduler)
        setup_sandbox(url, receiver_url)
        tenants = populate_portal()
        print(
            f"{args.actions} releases per path at {args.rate:g} a second, background delay "
            f"{args.delay:.2f} s, "
            f"{WORKERS} job threads; database "
            f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; "
            f"load average {os.getloadavg()[0]:.2f}"
        )
        settings.OPERATIONS_JOB_NOTIFY_WAIT_SECONDS = 5.0
        webhook = report(
            "webhook",
            run("webhook", releasable(tenants["webhook"], args.actions), args.rate, 180),
            args.delay,
        )
        settings.OPERATIONS_JOB_NOTIFY_WAIT_SECONDS = args.delay
        settings.OPERATIONS_JOB_POLL_FIRST_SECONDS = 0.5
        polling = report(
            "polling",
            run("polling", releasable(tenants["polling"], args.actions), args.rate, 180),
            args.delay,
        )
        server.shutdown()
        if scheduler.errors:
            print(f"{len(scheduler.errors)} step errors, first: {scheduler.errors[0]}")
        goals = [
            ("webhook median within delay + 1 s", webhook[0] <= args.delay + 1),
            ("webhook at most 3 ERP calls per job", webhook[3] <= 3),
            ("polling median within 2 x delay", polling[0] <= 2 * args.delay),
        ]
        met = all(ok for _, ok in goals)
        print(
            "goals: "
            + "; ".join(f"{name} {'met' if ok else 'MISSED'}" for name, ok in goals)
            + f" -> {'all met' if met else 'NOT all met'}"
        )
    finally:
        if scheduler is not None:
            scheduler.stop()
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
