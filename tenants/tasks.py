"""Celery tasks: thin wrappers around the sweep and the health services.

Beat sends ``tenants.health_sweep`` every ``TENANTS_SWEEP_TICK_SECONDS``; it claims the tenants
that are due and fans them out as ``tenants.check_batch`` tasks sent across the tick
(``sweep.spread``), each checking its tenants with bounded concurrency. A claim is a lease (see
sweep.py): a batch killed mid-way is claimed again when it ends, and a batch delivered twice
checks nothing twice. Budget holds never sleep a worker: the check records a deferral and the
tenant's next check moves to when the budget allows it.
"""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from . import health, sweep
from .models import CheckTrigger


@shared_task(name="tenants.health_sweep", ignore_result=True)
def health_sweep() -> int:
    from .statuspage import current_erp_incident

    if current_erp_incident() is not None:
        # Visma reports an outage of the ERP API or Visma Connect: checks would only fail and
        # spend the budget. The tenants stay due; the incident's resolution checks them again.
        return 0
    claim = sweep.claim()
    lease = claim.until.isoformat() if claim.until else None
    for batch, countdown in sweep.spread(claim.pks):
        check_batch.apply_async((batch,), {"lease": lease}, countdown=countdown)
    return len(claim.pks)


@shared_task(name="tenants.check_batch", ignore_result=True)
def check_batch(pks: list[int], trigger: str = CheckTrigger.SWEEP, lease: str | None = None) -> int:
    """Check a claimed batch; ``lease`` (the claim's token) makes a repeated delivery harmless."""
    until = datetime.fromisoformat(lease) if lease else None
    return sweep.check_many(pks, trigger=trigger, lease=until)


@shared_task(name="tenants.check_tenants", ignore_result=True)
def check_tenants(pks: list[int], trigger: str = CheckTrigger.MANUAL) -> int:
    """Staff asked to check these tenants again (or imported them): interactive priority."""
    return sweep.check_many(pks, trigger=trigger)


@shared_task(name="tenants.report_throttling", ignore_result=True)
def report_throttling(client_id: str, tenant_id: str, kind: str, details: dict) -> int:
    """usage's throttling alert (see ``tenants.alerts``) becomes the tenant's health issue."""
    return len(
        health.issue_report_throttling(
            actor=None, client_id=client_id, tenant_id=tenant_id, kind=kind, details=details
        )
    )
