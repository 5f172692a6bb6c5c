"""Helpers for the background-job tests: documents of the demo world and driving a job."""

from __future__ import annotations

from typing import Any

from erpsim.world import DEMO_TENANTS


def tenant_spec(tenant) -> dict[str, Any]:
    return next(spec for spec in DEMO_TENANTS if spec["tenant_id"] == tenant.tenant_id)


def find_invoice(tenant, status: str, document_type: str = "Invoice", approval: str | None = None):
    """The first demo invoice of ``tenant`` in ``status`` (read through the portal's client)."""
    from operations.erp import StaffClient

    with StaffClient(tenant) as erp:
        page = erp.client.supplier_invoices.page(
            page_size=100, status=status, document_type=document_type
        )
        for invoice in page.items:
            if approval is None or invoice.approval_status == approval:
                return erp.client.supplier_invoices.get(invoice.number, invoice.document_type)
    raise AssertionError(f"no {document_type} in {status}")


def queue(tenant, invoice, operation: str = "release", actor=None, **extra):
    from operations.jobs import services

    job, _ = services.job_queue(
        actor=actor,
        tenant=tenant,
        operation=operation,
        document_type=invoice.document_type,
        document_number=invoice.number,
        if_match=invoice.etag,
        seen={"status": invoice.status},
        **extra,
    )
    return job


def posts_to(sandbox, suffix: str, job=None) -> list[dict[str, Any]]:
    """The POSTs to a path ending in ``suffix`` (only ``job``'s, by the correlation id it sends,
    when given: the sandbox logs a held request when it finally answers, which may be after the
    previous test's reset)."""
    requests = sandbox.control("GET", "/_sandbox/requests?limit=5000")
    return [
        r
        for r in requests
        if r["method"] == "POST"
        and r["path"].endswith(suffix)
        and (job is None or str(job.correlation_id) in r["headers"].get("erp-api-background", ""))
    ]


def run_until_ended(job, advance_clock, *, steps: int = 12):
    """Run the job's next step until it ends, moving the sandbox's clock past each pause."""
    from operations.jobs import progress
    from operations.jobs.models import BackgroundJob

    for _ in range(steps):
        job = BackgroundJob.objects.get(pk=job.pk)
        if job.ended:
            return job
        advance_clock(2)
        progress.job_advance(job.pk)
    job = BackgroundJob.objects.get(pk=job.pk)
    assert job.ended, f"job still {job.status} after {steps} steps"
    return job
