"""Writes of the usage app."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal import audit

from . import alerts, conf, registry, selectors
from .models import (
    CallLog,
    ClientType,
    HourlyFamilyUsage,
    HourlyUsage,
    LedgerFlush,
    MeteredCompany,
)
from .rules import ThrottlingKind


def _validate(
    *, client_id: str, tenant_id: str, client_type: str, hourly_limit: int | None
) -> None:
    errors: dict[str, str] = {}
    if not client_id or not client_id.strip():
        errors["client_id"] = "The API client id is required."
    if not tenant_id or not tenant_id.strip():
        errors["tenant_id"] = "The company tenant id is required."
    if client_type not in ClientType.values:
        errors["client_type"] = f"The client type must be test or production, not {client_type!r}."
    if hourly_limit is not None and (
        isinstance(hourly_limit, bool) or not isinstance(hourly_limit, int) or hourly_limit < 1
    ):
        errors["hourly_limit"] = "The hourly limit must be a whole number of 1 or more."
    if errors:
        raise ValidationError(errors)


def metered_company_sync(
    *,
    client_id: str,
    tenant_id: str,
    company_id: int | None,
    name: str,
    client_type: str,
    hourly_limit: int | None,
    tenant_pk: int | None,
    active: bool,
) -> MeteredCompany:
    """Create or update what usage meters for one (API client, company tenant). Idempotent.

    ``hourly_limit`` is the API client's own limit, or None for its type's default, which is
    read from ``USAGE_HOURLY_LIMITS`` whenever it is needed (never copied).

    The tenants app calls it inside its own transaction (and writes its own audit row) whenever a
    tenant or its API client changes; this is bookkeeping, not a staff action of its own.
    """
    client_id, tenant_id = (client_id or "").strip(), (tenant_id or "").strip()
    _validate(
        client_id=client_id, tenant_id=tenant_id, client_type=client_type, hourly_limit=hourly_limit
    )
    values = {
        "company_id": company_id,
        "name": (name or "")[:200],
        "client_type": client_type,
        "hourly_limit_override": hourly_limit,
        "tenant_pk": tenant_pk,
        "active": active,
    }
    # Inside the caller's transaction no savepoint of its own: only the insert needs one.
    with transaction.atomic(savepoint=False):
        pair = MeteredCompany.objects.select_for_update().filter(
            client_id=client_id, tenant_id=tenant_id
        )
        company = pair.first()
        if company is None:
            try:
                with transaction.atomic():
                    company = MeteredCompany.objects.create(
                        client_id=client_id, tenant_id=tenant_id, **values
                    )
            except IntegrityError:
                # Two syncs of a new pair at once: the other one inserted it, so update that.
                company = pair.get()
        changed = [field for field, value in values.items() if getattr(company, field) != value]
        if changed:  # a sync that changes nothing writes nothing
            for field in changed:
                setattr(company, field, values[field])
            company.save(update_fields=[*changed, "updated_at"])
    transaction.on_commit(lambda: registry.forget(client_id, tenant_id))
    registry.forget(client_id, tenant_id)
    return company


def metered_company_retire(*, client_id: str, tenant_ids: list[str]) -> int:
    """Stop metering these companies under ``client_id`` (their API client got another client
    id; ``metered_company_sync`` registers them under the new one). Returns how many stopped."""
    retired = MeteredCompany.objects.filter(client_id=client_id, tenant_id__in=tenant_ids).update(
        active=False
    )
    for tenant_id in tenant_ids:
        transaction.on_commit(lambda tenant_id=tenant_id: registry.forget(client_id, tenant_id))
    return retired


def metered_company_set_reserve(
    *, actor, company: MeteredCompany, reserve: float | None
) -> MeteredCompany:
    """Set (or clear, with None) the share of the hour background work leaves to staff."""
    if reserve is not None and not 0.0 <= reserve < 1.0:
        raise ValidationError(
            {"background_reserve": "The reserve is a share from 0 % up to (not including) 100 %."}
        )
    before = company.background_reserve
    with transaction.atomic():
        company.background_reserve = reserve
        company.save(update_fields=["background_reserve", "updated_at"])
        audit.record(
            actor=actor,
            action="usage.reserve_changed",
            target=company,
            target_label=company.label,
            details={"before": before, "after": reserve, "client_id": company.client_id},
        )
    transaction.on_commit(lambda: registry.forget(company.client_id, company.tenant_id))
    return company


def _delete_in_batches(queryset, batch: int = 5000) -> int:
    """Delete without one huge statement holding locks for minutes."""
    deleted = 0
    while True:
        ids = list(queryset.values_list("pk", flat=True)[:batch])
        if not ids:
            return deleted
        count, _ = queryset.model.objects.filter(pk__in=ids).delete()
        deleted += count


def ledger_prune(*, now: datetime | None = None) -> dict[str, int]:
    """Drop raw calls older than ``USAGE_CALL_LOG_DAYS`` and rollups older than
    ``USAGE_ROLLUP_DAYS``. The running totals behind the Prometheus counters stay."""
    now = now or timezone.now()
    calls_before = now - timedelta(days=conf.get("USAGE_CALL_LOG_DAYS"))
    rollups_before = now - timedelta(days=conf.get("USAGE_ROLLUP_DAYS"))
    return {
        "calls": _delete_in_batches(CallLog.objects.filter(started_at__lt=calls_before)),
        "hours": _delete_in_batches(HourlyUsage.objects.filter(hour__lt=rollups_before)),
        "families": _delete_in_batches(HourlyFamilyUsage.objects.filter(hour__lt=rollups_before)),
        # A flushed batch's id is needed only while its Redis copy might linger (minutes).
        "flushes": _delete_in_batches(LedgerFlush.objects.filter(flushed_at__lt=calls_before)),
    }


def heavy_test_clients_alert(*, now: datetime | None = None) -> list[MeteredCompany]:
    """The third alert rule: every test client that carries production traffic
    (``selectors.heavy_test_clients``) raises an alert."""
    heavy = selectors.heavy_test_clients(now=now)
    for found in heavy:
        company = found.company
        alerts.send_throttling(
            client_id=company.client_id,
            tenant_id=company.tenant_id,
            kind=ThrottlingKind.TEST_CLIENT_HEAVY,
            details={
                "average_calls_per_hour": round(found.average, 1),
                "limit": found.limit,
                "hours": found.hours,
                "summary": (
                    f"This test client averaged {found.average:,.0f} calls an hour over the last "
                    f"{found.hours} hours, above {found.share:.0%} of its {found.limit:,}-call "
                    "limit."
                ),
            },
        )
    return [found.company for found in heavy]
