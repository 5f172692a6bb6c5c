"""The ``api_console`` scenario of ``bench/pages.py``: the API console's operation list and the
form of its largest operations, against the same page listing no operation (the baseline: the
layout, the history, the tenant). Goal: under 100 ms server time.

The specs are read once per process and the unsearched operation list is rendered once per
process (the warm-up request pays for both, about a third of a second); what is measured is every
later page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.pages import Bench

GOAL_MS = 100.0


def _tenant():
    from django.db import transaction

    from tenants.models import ApiClient, Customer, Tenant, TenantStatus

    with transaction.atomic():
        client, _ = ApiClient.objects.get_or_create(
            client_id="isv_bench_console",
            defaults={"name": "Bench console", "client_secret": "bench", "client_type": "test"},
        )
        customer, _ = Customer.objects.get_or_create(name="Bench console customer")
        tenant, _ = Tenant.objects.get_or_create(
            tenant_id="0b0b0b0b-1c1c-4d4d-8e8e-2f2f2f2f2f2f",
            api_client=client,
            defaults={
                "name": "Bench console company AS",
                "customer": customer,
                "company_id": 9_000_001,
                "status": TenantStatus.ACTIVE,
            },
        )
    return tenant


def _history(tenant, user) -> None:
    """A full history table (25 rows) under every page."""
    from operations.console.models import CallState, ConsoleCall

    missing = 25 - ConsoleCall.objects.filter(tenant=tenant).count()
    ConsoleCall.objects.bulk_create(
        ConsoleCall(
            tenant=tenant,
            actor=user,
            actor_label=user.email,
            operation_key="financials.SupplierInvoice_GetAllInvoices",
            method="GET",
            path=f"/v1/supplierInvoice?pageNumber={n}&pageSize=100",
            inputs={"query__pageNumber": str(n), "query__pageSize": "100"},
            state=CallState.ANSWERED,
            status=200,
            duration_ms=120.0,
        )
        for n in range(max(missing, 0))
    )


def _largest():
    """The operation with the most parameters, and the one with the largest body skeleton."""
    from erpspecs import skeleton, specs

    operations = specs().operations
    most_parameters = max(operations, key=lambda op: len(op.parameters))
    largest_body = max(operations, key=lambda op: len(skeleton(op.key)))
    return most_parameters, largest_body


def api_console(bench: Bench) -> None:
    from portal.models import User

    tenant = _tenant()
    _history(tenant, User.objects.get(email="bench-admin@isv.example"))
    base = f"/operations/console/{tenant.pk}/"
    most_parameters, largest_body = _largest()
    print(
        f"api_console: {most_parameters.key} ({len(most_parameters.parameters)} parameters), "
        f"{largest_body.key} (largest body), 25 history rows"
    )
    baseline = bench.measure("baseline: no operation listed", f"{base}?q=no-such-operation")
    worst = 0.0
    for label, path, htmx in (
        ("the operation list (all)", base, False),
        ("the operation list, searched (htmx)", f"{base}?q=supplierInvoice&part=operations", True),
        (
            f"form: most parameters ({len(most_parameters.parameters)})",
            f"{base}?op={most_parameters.key}",
            False,
        ),
        ("form: largest body", f"{base}?op={largest_body.key}", False),
        ("form: largest body (htmx)", f"{base}?op={largest_body.key}", True),
    ):
        worst = max(worst, bench.measure(label, path, htmx=htmx))
    print(f"  ratio slowest / baseline: {worst / baseline:5.2f}")
    verdict = "met" if worst < GOAL_MS else "NOT met"
    print(f"  goal: under {GOAL_MS:.0f} ms -> {verdict} (slowest median {worst:.1f} ms)")
