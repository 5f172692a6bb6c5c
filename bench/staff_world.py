"""What the staff pages of the load test need besides the tenants (bench/load.py and the
``staff_pages`` scenario of bench/pages.py): Background jobs to watch, and what staff type into
the order form's lookups.

The order form's customer and item lookups need no seeding: every sandbox company serves its own
copy of the demo world's customers and inventory items (erpsim/masterdata.py).
"""

from __future__ import annotations

from datetime import timedelta

# What staff type into the sales-order form's customer and item fields (the demo world's
# customers and inventory items, by name or number).
CUSTOMER_QUERIES = ("Berg", "Oslo", "AS", "1000", "Marine", "AB")
ITEM_QUERIES = ("STOCK", "PAPER", "Kaffe", "CABLE", "Kontor", "A4")
# Staff place orders in a few companies at a time: the lookups go to this many tenants.
LOOKUP_TENANTS = 20
JOBS = 20


def seed_jobs(tenant_pks: list[int], count: int = JOBS) -> list[int]:
    """``count`` supplier-invoice releases on the first tenants, every other one still waiting
    for the ERP (its page polls) and the rest verified; returns the jobs' pks."""
    from django.utils import timezone

    from operations.jobs.models import BackgroundJob, JobEvent, JobOutcome, JobStatus, Step

    now = timezone.now()
    pks = []
    for number in range(count):
        waiting = number % 2 == 0
        job = BackgroundJob.objects.create(
            tenant_id=tenant_pks[number % len(tenant_pks)],
            operation="release",
            document_kind="supplier_invoice",
            document_type="Invoice",
            document_number=str(900_000 + number),
            status=JobStatus.ACCEPTED if waiting else JobStatus.FINISHED,
            outcome=JobOutcome.PENDING if waiting else JobOutcome.VERIFIED,
            sent_at=now,
            accepted_at=now,
            expires_at=now + timedelta(hours=24),
            # Not due for a poll during the run: the page keeps polling the portal meanwhile.
            next_check_at=now + timedelta(hours=23) if waiting else None,
            finished_at=None if waiting else now,
            verified_at=None if waiting else now,
        )
        steps = [Step.CREATED, Step.SENT, Step.ACCEPTED]
        if not waiting:
            steps += [Step.FINISHED, Step.VERIFIED]
        JobEvent.objects.bulk_create(JobEvent(job=job, step=step) for step in steps)
        pks.append(job.pk)
    return pks


def analyze() -> None:
    """Planner statistics for the freshly seeded tables, as autovacuum would gather before long
    in production (a server running with it off would plan for empty tables)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
