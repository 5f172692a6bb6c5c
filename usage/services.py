"""Writes of the usage app."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from . import registry
from .models import ClientType, MeteredCompany


def _validate(*, client_id: str, tenant_id: str, client_type: str, hourly_limit: int) -> None:
    errors: dict[str, str] = {}
    if not client_id or not client_id.strip():
        errors["client_id"] = "The API client id is required."
    if not tenant_id or not tenant_id.strip():
        errors["tenant_id"] = "The company tenant id is required."
    if client_type not in ClientType.values:
        errors["client_type"] = f"The client type must be test or production, not {client_type!r}."
    if isinstance(hourly_limit, bool) or not isinstance(hourly_limit, int) or hourly_limit < 1:
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
    hourly_limit: int,
    tenant_pk: int | None,
    active: bool,
) -> MeteredCompany:
    """Create or update what usage meters for one (API client, company tenant). Idempotent.

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
        "hourly_limit": hourly_limit,
        "tenant_pk": tenant_pk,
        "active": active,
    }
    try:
        with transaction.atomic():
            company, _ = MeteredCompany.objects.update_or_create(
                client_id=client_id, tenant_id=tenant_id, defaults=values
            )
    except IntegrityError:
        # Two syncs of a new pair at once: the other one inserted it, so update what is there.
        company = MeteredCompany.objects.get(client_id=client_id, tenant_id=tenant_id)
        for field, value in values.items():
            setattr(company, field, value)
        company.save(update_fields=[*values, "updated_at"])
    transaction.on_commit(lambda: registry.forget(client_id, tenant_id))
    registry.forget(client_id, tenant_id)
    return company
