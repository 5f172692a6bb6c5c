"""Staff operations for the fault suite: sales orders and invoice releases, sent through the
portal's own services exactly as the pages send them, spread over the window while the faults
hit (bench/drivers.py describes the driver interface and the outcome states).

Doubled work is read from the sandbox's request log: only a write the sandbox carried out counts
(``drivers.carried_out``), so the order client's resend after a refused attempt is no double.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable

from .drivers import FAILED, FINISHED, PENDING, UNKNOWN, Outcome, carried_out

SALES_ORDERS_PATH = "/api/v3/salesorders"
BACKGROUND_HEADER = "erp-api-background"
_JOB_ID = re.compile(r"x-job-id=([0-9a-fA-F-]{36})")

Requests = Callable[[], list[dict]]


def order_creates_carried_out(requests: Iterable[dict]) -> Counter[tuple[str, str]]:
    """Per (tenant id, own order number): the create POSTs the sandbox carried out."""
    counts: Counter[tuple[str, str]] = Counter()
    for entry in requests:
        if entry.get("method") != "POST" or entry.get("path", "").lower() != SALES_ORDERS_PATH:
            continue
        if not carried_out(entry):
            continue
        try:
            number = json.loads(entry.get("body") or "{}").get("orderId")
        except (ValueError, AttributeError):
            continue
        if number:
            counts[(str(entry.get("tenant_id") or "").lower(), number)] += 1
    return counts


def job_actions_carried_out(requests: Iterable[dict]) -> Counter[str]:
    """Per job correlation id: the action POSTs the sandbox carried out."""
    counts: Counter[str] = Counter()
    for entry in requests:
        if entry.get("method") != "POST" or not carried_out(entry):
            continue
        header = (entry.get("headers") or {}).get(BACKGROUND_HEADER, "")
        found = _JOB_ID.search(header)
        if found:
            counts[found.group(1).lower()] += 1
    return counts


class _Spread(threading.Thread):
    """Runs ``work(item)`` for each item, evenly over ``seconds``; an item that raises is kept
    with its error (an operation that blew up is a failure to show, not a crashed driver)."""

    def __init__(self, items: list, work: Callable, seconds: float) -> None:
        super().__init__(daemon=True)
        self.items, self.work, self.seconds = items, work, seconds
        self.errors: dict[int, str] = {}

    def run(self) -> None:
        from django.db import connections

        began = time.monotonic()
        step = self.seconds / max(1, len(self.items))
        try:
            for index, item in enumerate(self.items):
                time.sleep(max(0.0, began + index * step - time.monotonic()))
                try:
                    self.work(item)
                except Exception as error:  # kept as the operation's outcome
                    self.errors[index] = f"{type(error).__name__}: {error}"
                    connections.close_all()
        finally:
            connections.close_all()


class _OperationTenants:
    """Companies of their own for a driver (kept out of the sweep), in the sandbox and the
    portal, and the staff member who acts."""

    def __init__(self, sandbox, *, client_id: str, company_base: int) -> None:
        self.sandbox = sandbox
        self.client_id = client_id
        self.company_base = company_base

    def create(self, count: int, *, documents: bool):
        from datetime import UTC, datetime

        from django.contrib.auth import get_user_model
        from django.db import transaction

        from tenants import services
        from tenants.models import Customer, Environment, Tenant

        secret = f"{self.client_id}-secret-not-real"
        self.sandbox.control(
            "POST",
            "/_sandbox/clients",
            {"client_id": self.client_id, "client_secret": secret, "type": "production"},
        )
        ids = [str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.client_id}/{n}")) for n in range(count)]
        for n, tenant_id in enumerate(ids, start=1):
            self.sandbox.control(
                "POST",
                "/_sandbox/tenants",
                {
                    "tenant_id": tenant_id,
                    "company_id": self.company_base + n,
                    "name": f"{self.client_id} company {n}",
                    "client_ids": [self.client_id],
                    "with_demo_documents": documents,
                },
            )
        with transaction.atomic():
            api_client = services.api_client_create(
                actor=None,
                name=f"Fault suite {self.client_id}",
                client_id=self.client_id,
                client_secret=secret,
                client_type="production",
                environment=Environment.PRODUCTION,
            )
            customer = Customer.objects.create(name=f"Fault Suite {self.client_id} AS")
            tenants = [
                Tenant.objects.create(
                    tenant_id=tenant_id,
                    name=f"{self.client_id} company {n}",
                    customer=customer,
                    api_client=api_client,
                    # Never due in the window: the sweep's tenants are the sweep driver's.
                    next_check_at=datetime(2100, 1, 1, tzinfo=UTC),
                )
                for n, tenant_id in enumerate(ids, start=1)
            ]
            for tenant in tenants:
                services.sync_metering(tenant)
            actor, _ = get_user_model().objects.get_or_create(
                email="faults-operator@example.com", defaults={"is_staff": True}
            )
        return tenants, actor


class SalesOrderDriver:
    """N sales orders, each with its own order number (as the order form takes one), created
    through ``operations.orders.services.order_create`` over ``spread_seconds``."""

    name = "sales orders"
    COMPANIES = 2

    def __init__(self, sandbox, *, spread_seconds: float, requests: Requests) -> None:
        self.sandbox = sandbox
        self.spread_seconds = spread_seconds
        self.requests = requests
        self.numbers: list[tuple[str, str]] = []  # (tenant id, own number)
        self.held: dict[str, str] = {}
        self.thread: _Spread | None = None

    def start(self, count: int) -> None:
        from operations.orders import services

        tenants, actor = _OperationTenants(
            self.sandbox, client_id="isv_faults_orders", company_base=7_800_000
        ).create(self.COMPANIES, documents=False)
        plan = [tenants[n % len(tenants)] for n in range(count)]
        self.numbers = [(t.tenant_id, services.own_number_take(tenant=t)) for t in plan]
        by_id = {t.tenant_id: t for t in tenants}

        def create(item: tuple[str, str]) -> None:
            tenant_id, number = item
            command = {
                "type": "SO",
                "orderId": number,
                "customer": {"id": "10000"},
                "description": "Fault suite order",
                "orderLines": [{"inventoryId": "STOCKITEM1", "quantity": 1}],
            }
            try:
                services.order_create(
                    actor=actor, tenant=by_id[tenant_id], token=uuid.uuid4(), command=command
                )
            except services.OrderHeld as held:
                self.held[key(tenant_id, number)] = held.message

        self.thread = _Spread(self.numbers, create, self.spread_seconds)
        self.thread.start()

    def done(self) -> bool:
        return self.thread is None or not self.thread.is_alive()

    def outcomes(self) -> dict[str, Outcome]:
        from operations.orders.models import Outcome as OrderOutcome
        from operations.orders.models import PortalOrder

        keys = [key(*pair) for pair in self.numbers]
        found = {k: Outcome(k, PENDING, "never sent") for k in keys}
        errors = self.thread.errors if self.thread else {}
        for index, k in enumerate(keys):
            if k in self.held:
                found[k] = Outcome(k, FAILED, f"held, not sent: {self.held[k]}")
            elif index in errors:
                found[k] = Outcome(k, FAILED, f"the service raised {errors[index]}")
        rows = PortalOrder.objects.filter(
            tenant__tenant_id__in={t for t, _ in self.numbers},
            own_number__in={n for _, n in self.numbers},
        ).values_list(
            "tenant__tenant_id",
            "own_number",
            "outcome",
            "outcome_detail",
            "created_at",
            "settled_at",
        )
        states = {
            OrderOutcome.CREATED: FINISHED,
            OrderOutcome.REJECTED: FAILED,
            OrderOutcome.UNKNOWN: UNKNOWN,
        }
        for tenant_id, number, outcome, detail, created_at, settled_at in rows:
            entry = found.get(key(tenant_id, number))
            if entry is None:
                continue
            entry.state = states.get(outcome, PENDING)
            entry.reason = detail if entry.state != PENDING else "still pending"
            entry.first_at, entry.last_at = created_at, settled_at or created_at
        for (tenant_id, number), sent in order_creates_carried_out(self.requests()).items():
            if (k := key(tenant_id, number)) in found:
                found[k].repeats = max(0, sent - 1)
        return found


def key(tenant_id: str, number: str) -> str:
    """An operation's key in the report: the company (short) and the document's number."""
    return f"{tenant_id.lower()[:8]}/{number}"


class InvoiceActionDriver:
    """N supplier-invoice releases queued as Background jobs through
    ``operations.jobs.services.job_queue`` (as the invoice page does, with the ETag it read),
    spread over ``spread_seconds``; the shape's workers send and follow them."""

    name = "invoice releases"
    COMPANIES = 3

    def __init__(self, sandbox, *, spread_seconds: float, requests: Requests) -> None:
        self.sandbox = sandbox
        self.spread_seconds = spread_seconds
        self.requests = requests
        self.keys: list[str] = []
        self.jobs: dict[str, int] = {}  # key -> job pk
        self.thread: _Spread | None = None

    def start(self, count: int) -> None:
        from operations.erp import StaffClient
        from operations.jobs import services

        tenants, actor = _OperationTenants(
            self.sandbox, client_id="isv_faults_invoices", company_base=7_900_000
        ).create(self.COMPANIES, documents=True)
        # What the invoice page read (status and ETag), before the window: the faults hit the
        # actions, not the reading.
        balanced = {t.pk: [] for t in tenants}
        for tenant in tenants:
            with StaffClient(tenant) as erp:
                page = erp.client.supplier_invoices.page(
                    page_size=100, status="Balanced", document_type="Invoice"
                )
                balanced[tenant.pk] = [
                    erp.client.supplier_invoices.get(i.number, i.document_type) for i in page.items
                ]
        plan = []
        while len(plan) < count and any(balanced.values()):
            for tenant in tenants:
                if balanced[tenant.pk] and len(plan) < count:
                    plan.append((tenant, balanced[tenant.pk].pop(0)))
        self.keys = [key(t.tenant_id, invoice.number) for t, invoice in plan]

        def release(item) -> None:
            tenant, invoice = item
            job, _ = services.job_queue(
                actor=actor,
                tenant=tenant,
                operation="release",
                document_type=invoice.document_type,
                document_number=invoice.number,
                if_match=invoice.etag,
                seen={"status": invoice.status},
                form_token=uuid.uuid4(),
            )
            self.jobs[key(tenant.tenant_id, invoice.number)] = job.pk

        self.thread = _Spread(plan, release, self.spread_seconds)
        self.thread.start()

    def done(self) -> bool:
        return self.thread is None or not self.thread.is_alive()

    def outcomes(self) -> dict[str, Outcome]:
        from operations.jobs.models import BackgroundJob, JobOutcome, JobStatus

        found = {key: Outcome(key, PENDING, "never queued") for key in self.keys}
        errors = self.thread.errors if self.thread else {}
        for index, key in enumerate(self.keys):
            if index in errors:
                found[key] = Outcome(key, FAILED, f"the service raised {errors[index]}")
        by_pk = {pk: key for key, pk in self.jobs.items()}
        correlations = {}
        for job in BackgroundJob.objects.filter(pk__in=by_pk):
            entry = found[by_pk[job.pk]]
            correlations[str(job.correlation_id).lower()] = entry
            entry.first_at = job.sent_at or job.created_at
            entry.last_at = job.finished_at or job.verified_at or entry.first_at
            reason = job.erp_error_message or job.last_error
            if job.outcome == JobOutcome.VERIFIED:
                entry.state, entry.reason = FINISHED, ""
            elif job.outcome != JobOutcome.PENDING:
                entry.state = FAILED
                entry.reason = reason or job.get_outcome_display()
            elif job.status == JobStatus.UNKNOWN:
                entry.state = UNKNOWN
                entry.reason = reason or "sent, no answer yet"
            else:
                entry.state, entry.reason = PENDING, f"still {job.status}"
        for correlation, sent in job_actions_carried_out(self.requests()).items():
            if correlation in correlations:
                correlations[correlation].repeats = max(0, sent - 1)
        return found
