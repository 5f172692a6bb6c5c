"""Thin Celery tasks; beat runs them (see the usage section of portal/settings.py)."""

from __future__ import annotations

from celery import shared_task

from . import services
from .recorder import get_recorder


@shared_task(name="usage.flush", ignore_result=True)
def flush() -> int:
    """Write calls buffered in Redis into the database ledger (nothing to do without Redis)."""
    return get_recorder().flush()


@shared_task(name="usage.prune", ignore_result=True)
def prune() -> dict[str, int]:
    return services.ledger_prune()


@shared_task(name="usage.check_test_clients", ignore_result=True)
def check_test_clients() -> int:
    return len(services.heavy_test_clients_alert())
