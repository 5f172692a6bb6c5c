"""Operation drivers for the fault suite (bench/faults.py, tests/faults/): what runs while the
faults hit, and what became of each operation.

A driver starts N operations against the running production shape, then reports each one's final
state. Every operation must end ``finished``, ``failed`` (with a reason staff can read) or
``unknown`` (with a reason); one still ``pending`` when the run is over is lost. ``repeats``
counts the times its effect happened again after it had succeeded (a second check in the same
interval, a second ERP write): doubled work.

The staff operations (sales orders, invoice releases) are in bench/operation_drivers.py. To plug
in another operation (webhooks, other Background jobs): write a class with ``name``,
``start(count)`` and ``outcomes()``, and add it to ``DRIVERS``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

FINISHED, FAILED, UNKNOWN, PENDING = "finished", "failed", "unknown", "pending"


@dataclass
class Outcome:
    key: str
    state: str
    reason: str = ""
    # When the operation's work ran (the first attempt, the last one).
    first_at: datetime | None = None
    last_at: datetime | None = None
    # How often its effect happened again after it had succeeded: doubled work. (A retry after a
    # failure is the design, not a double.)
    repeats: int = 0


class OperationDriver(Protocol):
    name: str

    def start(self, count: int) -> None: ...

    def outcomes(self) -> dict[str, Outcome]: ...


def tenant_ids(count: int, seed: int = 0xFA) -> list[str]:
    base = 0xB0_0000_0000_4000_8000_0000_0000_0000 + (seed << 64)
    return [str(uuid.UUID(int=base + n)) for n in range(count)]


class SweepDriver:
    """The periodic health sweep: N tenants, each due once in the window at its own slot
    (tenants.schedule); beat's sweep checks them. Needs Django set up on the shape's database."""

    name = "sweep"
    CLIENT_ID = "isv_faults_prod"
    CLIENT_SECRET = "faults-secret-not-real"

    def __init__(self, sandbox, *, window_seconds: int) -> None:
        self.sandbox = sandbox  # an object with control(method, path, body=None)
        self.window_start: datetime | None = None
        self.window_seconds = window_seconds
        self.ids: list[str] = []
        self.pks: dict[int, str] = {}

    def start(self, count: int, *, onboarded: bool = False) -> None:
        """``count`` tenants in the sandbox and the portal: just added (their first check learns
        the company and activates them), or ``onboarded`` as the hourly sweep finds them."""
        from django.db import transaction
        from django.utils import timezone

        from tenants import services
        from tenants.models import Customer, Environment, Tenant, TenantStatus

        self.ids = tenant_ids(count)
        self.register(self.ids)
        with transaction.atomic():
            api_client = services.api_client_create(
                actor=None,
                name="Fault suite production client",
                client_id=self.CLIENT_ID,
                client_secret=self.CLIENT_SECRET,
                client_type="production",
                environment=Environment.PRODUCTION,
            )
            customer = Customer.objects.create(name="Fault Suite Customer AS")
            known = {"status": TenantStatus.ACTIVE, "activated_at": timezone.now()}
            tenants = Tenant.objects.bulk_create(
                Tenant(
                    tenant_id=tenant_id,
                    name=f"Fault Company {n}",
                    customer=customer,
                    api_client=api_client,
                    # Not due before the window opens (open_window).
                    next_check_at=self.not_before,
                    # What the sandbox tells a check (register), so a check learns nothing.
                    **(
                        {
                            **known,
                            "company_id": 7_000_000 + n,
                            "erp_company_name": f"Fault Company {n}",
                        }
                        if onboarded
                        else {}
                    ),
                )
                for n, tenant_id in enumerate(self.ids, start=1)
            )
            for tenant in tenants:
                services.sync_metering(tenant)
        self.pks = {tenant.pk: tenant.tenant_id for tenant in tenants}

    def register(self, ids: list[str]) -> None:
        """The API client and the companies in the sandbox (a fresh sandbox knows none)."""
        self.sandbox.control(
            "POST",
            "/_sandbox/clients",
            {
                "client_id": self.CLIENT_ID,
                "client_secret": self.CLIENT_SECRET,
                "type": "production",
            },
        )
        for number, tenant_id in enumerate(ids, start=1):
            self.sandbox.control(
                "POST",
                "/_sandbox/tenants",
                {
                    "tenant_id": tenant_id,
                    "company_id": 7_000_000 + number,
                    "name": f"Fault Company {number}",
                    "client_ids": [self.CLIENT_ID],
                },
            )

    not_before = datetime(2100, 1, 1, tzinfo=UTC)

    def open_window(self, start: datetime) -> None:
        """From ``start``, each tenant is due once in the window, at the company's own slot."""
        from tenants.models import Tenant

        self.window_start = start
        slots = self.slots()
        tenants = list(Tenant.objects.filter(pk__in=self.pks))
        for tenant in tenants:
            tenant.next_check_at = slots[tenant.tenant_id]
        Tenant.objects.bulk_update(tenants, ["next_check_at"], batch_size=500)

    def slots(self) -> dict[str, datetime]:
        from tenants import schedule

        return {
            t: schedule.next_slot(t, after=self.window_start, interval=self.window_seconds)
            for t in self.ids
        }

    def outcomes(self) -> dict[str, Outcome]:
        from tenants.models import CheckOutcome, CheckRun, CheckTrigger

        found = {t: Outcome(t, PENDING, "never checked") for t in self.ids}
        # Each tenant's operation is its check between its slot and the next one.
        ends = {
            t: slot + timedelta(seconds=self.window_seconds) for t, slot in self.slots().items()
        }
        runs = (
            CheckRun.objects.filter(tenant_id__in=self.pks, trigger=CheckTrigger.SWEEP)
            .order_by("started_at")
            .values_list("tenant_id", "started_at", "outcome", "summary")
        )
        for pk, started_at, outcome, summary in runs:
            entry = found[self.pks[pk]]
            if started_at >= ends[entry.key]:
                continue
            entry.first_at = entry.first_at or started_at
            entry.last_at = started_at
            if outcome == CheckOutcome.RUNNING:
                if entry.state == PENDING:
                    entry.state, entry.reason = UNKNOWN, "a check started and never finished"
                continue
            if outcome == CheckOutcome.DEFERRED:
                if entry.state in (PENDING, UNKNOWN):
                    entry.state, entry.reason = FAILED, f"deferred: {summary}"
                continue
            if entry.state == FINISHED:
                entry.repeats += 1
            entry.state = FINISHED if outcome == CheckOutcome.PASSED else FAILED
            entry.reason = summary
        return found


def carried_out(entry: dict) -> bool:
    """The sandbox did the work of this logged request: it answered 2xx, or did the work and lost
    the answer on purpose. One it refused first (an injected 5xx, reset or timeout, a 409, 412 or
    429) changed nothing, so a resend after it is no double."""
    if str(entry.get("fault") or "").startswith("lost_answer"):
        return True
    status = entry.get("status")
    return status is not None and 200 <= status < 300


def erp_writes_sent_twice(requests: Iterable[dict]) -> dict[tuple, int]:
    """Identical ERP writes in the sandbox's request log that it carried out more than once
    (tokens and the control API aside; an entry without a status counts)."""
    seen: dict[tuple, int] = {}
    for entry in requests:
        if entry.get("method") not in {"POST", "PUT", "PATCH", "DELETE"}:
            continue
        if "status" in entry and not carried_out(entry):
            continue
        if entry.get("api") in {"connect", "sandbox"} or "/connect/" in entry.get("path", ""):
            continue
        key = (entry.get("tenant_id"), entry["method"], entry["path"], str(entry.get("body")))
        seen[key] = seen.get(key, 0) + 1
    return {key: n for key, n in seen.items() if n > 1}


DRIVERS = {"sweep": SweepDriver}
