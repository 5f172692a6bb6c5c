"""Writes of the tenants app: API clients, customers, tenants and their lifecycle.

Keyword-only arguments, ``actor=`` on every change, and the audit row in the same transaction.
Every tenant or API client change also tells usage what to meter (``metered_company_sync``), in
the same transaction. Health checks and issues are in ``health``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from portal import audit
from usage import services as usage_services

from .erp import forget_tokens
from .models import (
    TENANT_NOTES_MAX_LENGTH,
    ApiClient,
    ClientType,
    Customer,
    Environment,
    HealthIssue,
    IssueStatus,
    Tenant,
    TenantStatus,
    offered_environments,
)
from .validators import check_organisation_number, normalize_tenant_id

MAX_REASON = 2000
# The longest tenant or customer name (the columns' size).
MAX_NAME = 200


# --- metering -----------------------------------------------------------------------------------


def sync_metering(tenant: Tenant) -> None:
    """Tell usage about this (API client, company). Must run inside the caller's transaction.
    The client's own limit goes along; without one, usage reads its type's default from the
    settings whenever it needs it."""
    api_client = tenant.api_client
    usage_services.metered_company_sync(
        client_id=api_client.client_id,
        tenant_id=tenant.tenant_id,
        company_id=tenant.company_id,
        name=tenant.name,
        client_type=api_client.client_type,
        hourly_limit=api_client.hourly_limit_override,
        tenant_pk=tenant.pk,
        active=api_client.active and tenant.status != TenantStatus.OFFBOARDED,
    )


# --- API clients --------------------------------------------------------------------------------

_CLIENT_FIELDS = (
    "name",
    "client_id",
    "client_type",
    "hourly_limit_override",
    "scopes",
    "environment",
    "active",
)


def _check_client(values: dict[str, Any], *, instance: ApiClient | None = None) -> None:
    errors: dict[str, str] = {}
    name = values.get("name", "")
    client_id = values.get("client_id", "")
    if not name:
        errors["name"] = "Give the API client a name staff recognise."
    if not client_id:
        errors["client_id"] = "Enter the client id from the Visma Developer Portal."
    elif any(c.isspace() for c in client_id):
        errors["client_id"] = "A client id has no spaces."
    if values.get("client_type") not in ClientType.values:
        errors["client_type"] = "Choose test or production."
    if values.get("environment") == Environment.SANDBOX and not settings.PORTAL_SANDBOX:
        errors["environment"] = (
            "The sandbox ERP is for development only; choose the configured Visma URLs."
        )
    elif values.get("environment") not in dict(offered_environments()):
        errors["environment"] = "Choose the sandbox or the configured Visma URLs."
    others = ApiClient.objects.exclude(pk=instance.pk if instance else None)
    if name and others.filter(name__iexact=name).exists():
        errors["name"] = f"There is already an API client named “{name}”."
    if client_id and others.filter(client_id=client_id).exists():
        errors["client_id"] = f"The client id {client_id} is already registered."
    if errors:
        raise ValidationError(errors)


def api_client_create(
    *,
    actor,
    name: str,
    client_id: str,
    client_secret: str,
    client_type: str = ClientType.TEST,
    hourly_limit_override: int | None = None,
    scopes: list[str] | None = None,
    environment: str = Environment.PRODUCTION,
    active: bool = True,
) -> ApiClient:
    values = {
        "name": (name or "").strip(),
        "client_id": (client_id or "").strip(),
        "client_type": client_type,
        "hourly_limit_override": hourly_limit_override,
        "scopes": list(scopes or []),
        "environment": environment,
        "active": active,
    }
    _check_client(values)
    if not client_secret:
        raise ValidationError({"client_secret": "Enter the client secret."})
    with transaction.atomic():
        api_client = ApiClient(
            **values, client_secret=client_secret, secret_changed_at=timezone.now()
        )
        api_client.save()
        audit.record(
            actor=actor,
            action="api_client.created",
            target=api_client,
            details={
                "client_id": api_client.client_id,
                "type": api_client.client_type,
                "environment": api_client.environment,
            },
        )
    return api_client


def api_client_update(
    *, actor, api_client: ApiClient, client_secret: str = "", **changes: Any
) -> ApiClient:
    """Change the named fields; a non-empty ``client_secret`` replaces the secret (empty keeps
    it). The secret's change is audited as an event, never by value."""
    unknown = set(changes) - set(_CLIENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown API client field(s): {', '.join(sorted(unknown))}")
    values = {field: getattr(api_client, field) for field in _CLIENT_FIELDS}
    for field, value in changes.items():
        values[field] = value.strip() if isinstance(value, str) else value
    _check_client(values, instance=api_client)
    changed = [field for field in _CLIENT_FIELDS if values[field] != getattr(api_client, field)]
    if not changed and not client_secret:
        return api_client
    with transaction.atomic():
        api_client = ApiClient.objects.select_for_update().get(pk=api_client.pk)
        old_client_id = api_client.client_id
        for field in changed:
            setattr(api_client, field, values[field])
        if client_secret:
            api_client.client_secret = client_secret
            api_client.secret_changed_at = timezone.now()
        api_client.save()
        if changed:
            audit.record(
                actor=actor,
                action="api_client.updated",
                target=api_client,
                details={"changed": changed},
            )
        if client_secret:
            audit.record(
                actor=actor,
                action="api_client.secret_changed",
                target=api_client,
                details={"changed": ["client_secret"]},
            )
        tenants = list(api_client.tenants.select_related("api_client"))
        if set(changed) & {"client_id", "client_type", "hourly_limit_override", "active"}:
            if old_client_id != api_client.client_id:
                _retire_metering(old_client_id, tenants)
            for tenant in tenants:
                sync_metering(tenant)
        if client_secret or "client_id" in changed or "environment" in changed:
            # Tokens cached under the old credentials must not outlive them.
            transaction.on_commit(lambda: forget_tokens(tenants))
    return api_client


def _retire_metering(old_client_id: str, tenants: list[Tenant]) -> None:
    usage_services.metered_company_retire(
        client_id=old_client_id, tenant_ids=[t.tenant_id for t in tenants]
    )


# --- customers ----------------------------------------------------------------------------------


def _check_customer(values: dict[str, Any], *, instance: Customer | None = None) -> None:
    errors: dict[str, str] = {}
    name = values["name"]
    if not name:
        errors["name"] = "Enter the customer's name."
    elif len(name) > MAX_NAME:
        errors["name"] = f"A customer name has at most {MAX_NAME} characters."
    elif (
        Customer.objects.exclude(pk=instance.pk if instance else None)
        .filter(name__iexact=name)
        .exists()
    ):
        errors["name"] = f"There is already a customer named “{name}”; pick it instead."
    if values["customer_tenant_id"]:
        try:
            values["customer_tenant_id"] = normalize_tenant_id(values["customer_tenant_id"])
        except ValidationError as error:
            errors["customer_tenant_id"] = error.messages[0]
    if values["organisation_number"]:
        values["organisation_number"] = " ".join(values["organisation_number"].split())
        try:
            check_organisation_number(values["organisation_number"])
        except ValidationError as error:
            errors["organisation_number"] = error.messages[0]
    if values["contact_email"]:
        try:
            validate_email(values["contact_email"])
        except ValidationError:
            errors["contact_email"] = "Enter a valid email address."
    if errors:
        raise ValidationError(errors)


def customer_create(
    *,
    actor,
    name: str,
    organisation_number: str = "",
    customer_tenant_id: str = "",
    contact_email: str = "",
    source: str = "",
) -> Customer:
    """A new customer; ``source`` (e.g. "csv import") goes into the audit row."""
    values = {
        "name": (name or "").strip(),
        "organisation_number": (organisation_number or "").strip(),
        "customer_tenant_id": (customer_tenant_id or "").strip(),
        "contact_email": (contact_email or "").strip(),
    }
    _check_customer(values)
    with transaction.atomic():
        customer = Customer.objects.create(**values)
        audit.record(
            actor=actor,
            action="customer.created",
            target=customer,
            details={"source": source} if source else None,
        )
    return customer


def customer_update(*, actor, customer: Customer, **changes: Any) -> Customer:
    fields = ("name", "organisation_number", "customer_tenant_id", "contact_email")
    values = {field: getattr(customer, field) for field in fields}
    values.update({k: (v or "").strip() for k, v in changes.items() if k in fields})
    _check_customer(values, instance=customer)
    changed = [field for field in fields if values[field] != getattr(customer, field)]
    if not changed:
        return customer
    with transaction.atomic():
        for field in changed:
            setattr(customer, field, values[field])
        customer.save(update_fields=changed)
        audit.record(
            actor=actor, action="customer.updated", target=customer, details={"changed": changed}
        )
    return customer


# --- tenants ------------------------------------------------------------------------------------


def new_tenant_problems(
    normalized: str,
    *,
    api_client: ApiClient,
    registered: Tenant | None,
    contract: Customer | None,
) -> list[tuple[str, str]]:
    """The onboarding rules for a new (already normalized) tenant id, given the tenant registered
    with it on ``api_client`` and the customer whose contract id it is (each None if none): a list
    of (field, message), empty when it may be registered. ``check_new_tenant`` looks the two up
    for one tenant, the CSV preview for a whole file at once."""
    problems = []
    if registered is not None:
        problems.append(
            (
                "tenant_id",
                f"Tenant {normalized} is already registered on {api_client.name} as "
                f"“{registered.name}” ({registered.get_status_display().lower()}).",
            )
        )
    if contract is not None:
        problems.append(
            (
                "tenant_id",
                f"{normalized} is the customer tenant id of {contract.name} (their contract), not "
                "a company's. Ask for the company tenant id: Visma.net Admin → Company → Edit → "
                "Configuration → Tenant id.",
            )
        )
    if not api_client.active:
        problems.append(("api_client", f"{api_client.name} is not active."))
    return problems


def check_new_tenant(*, tenant_id: str, api_client: ApiClient, customer: Customer | None) -> str:
    """The normalized tenant id, or ValidationError saying what is wrong with it."""
    try:
        normalized = normalize_tenant_id(tenant_id)
    except ValidationError as error:
        raise ValidationError({"tenant_id": error.messages}) from None
    problems = new_tenant_problems(
        normalized,
        api_client=api_client,
        registered=Tenant.objects.filter(api_client=api_client, tenant_id=normalized).first(),
        contract=Customer.objects.filter(customer_tenant_id=normalized).first(),
    )
    if problems:
        field, message = problems[0]
        raise ValidationError({field: message})
    return normalized


def tenant_onboard(
    *,
    actor,
    tenant_id: str,
    name: str,
    api_client: ApiClient,
    customer: Customer | None = None,
    new_customer: dict[str, str] | None = None,
    notes: str = "",
    source: str = "",
) -> Tenant:
    """Register a tenant in ``onboarding``; it becomes ``active`` when a check passes.

    Give an existing ``customer``, or ``new_customer`` (name, organisation_number,
    contact_email) to create one in the same transaction: both are saved or neither is.
    ``source`` (e.g. "csv import, line 3") goes into the audit rows. The form and the CSV
    import both register tenants here, so every onboarding rule holds for both.
    """
    if (customer is None) == (new_customer is None):
        raise ValueError("give exactly one of customer and new_customer")
    normalized = check_new_tenant(tenant_id=tenant_id, api_client=api_client, customer=customer)
    name = (name or "").strip()
    if len(name) > MAX_NAME:
        raise ValidationError({"name": f"A name has at most {MAX_NAME} characters."})
    _check_notes(notes)
    try:
        with transaction.atomic():
            if new_customer is not None:
                try:
                    customer = customer_create(actor=actor, source=source, **new_customer)
                except ValidationError as error:
                    raise ValidationError(
                        {
                            f"new_customer_{field}": messages
                            for field, messages in error.message_dict.items()
                        }
                    ) from None
            assert customer is not None
            tenant = Tenant.objects.create(
                tenant_id=normalized,
                name=name,
                customer=customer,
                api_client=api_client,
                notes=(notes or "").strip(),
                next_check_at=timezone.now(),
            )
            sync_metering(tenant)
            audit.record(
                actor=actor,
                action="tenant.created",
                target=tenant,
                details={
                    "tenant_id": normalized,
                    "client_id": api_client.client_id,
                    "customer": customer.name,
                    **({"source": source} if source else {}),
                },
            )
    except IntegrityError:
        # Someone registered the same tenant a moment ago.
        raise ValidationError(
            {"tenant_id": f"Tenant {normalized} was just registered on {api_client.name}."}
        ) from None
    return tenant


def _check_notes(notes: str | None) -> None:
    if notes and len(notes) > TENANT_NOTES_MAX_LENGTH:
        raise ValidationError(
            {"notes": f"Notes have at most {TENANT_NOTES_MAX_LENGTH:,} characters."}
        )


def tenant_update(*, actor, tenant: Tenant, **changes: Any) -> Tenant:
    """Change a tenant's name, notes, customer or API client. Moving it to another client checks
    the tenant id is free there, meters it under the new client and forgets the tokens cached
    under the old one."""
    fields = ("name", "notes", "customer", "api_client")
    unknown = set(changes) - set(fields)
    if unknown:
        raise ValueError(f"unknown tenant field(s): {', '.join(sorted(unknown))}")
    values = {
        key: value.strip() if isinstance(value, str) else value for key, value in changes.items()
    }
    if "name" in values and not values["name"]:
        raise ValidationError({"name": "A tenant needs a name."})
    _check_notes(values.get("notes"))
    changed = [key for key, value in values.items() if getattr(tenant, key) != value]
    if not changed:
        return tenant
    new_client = values.get("api_client") if "api_client" in changed else None
    if new_client is not None:
        if not new_client.active:
            raise ValidationError({"api_client": f"{new_client.name} is not active."})
        if Tenant.objects.filter(api_client=new_client, tenant_id=tenant.tenant_id).exists():
            raise ValidationError(
                {
                    "api_client": f"Tenant {tenant.tenant_id} is already registered on "
                    f"{new_client.name}."
                }
            )
    details: dict[str, Any] = {"changed": changed}
    for key in ("customer", "api_client"):
        if key in changed:
            details[key] = {"from": str(getattr(tenant, key)), "to": str(values[key])}
    with transaction.atomic():
        before = Tenant.objects.select_related("api_client").get(pk=tenant.pk)
        for key in changed:
            setattr(tenant, key, values[key])
        tenant.save(update_fields=changed)
        if new_client is not None:
            _retire_metering(before.api_client.client_id, [before])
            from .erp import forget_tokens

            # Tokens cached under the old client must not be used for the new one's calls.
            transaction.on_commit(lambda: forget_tokens([before]))
        if {"name", "api_client"} & set(changed):
            sync_metering(tenant)
        audit.record(actor=actor, action="tenant.updated", target=tenant, details=details)
    return tenant


def _reason(reason: str, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError(
            {"reason": f"Say why the tenant is {what}; it goes in the audit log."}
        )
    if len(text) > MAX_REASON:
        raise ValidationError({"reason": f"Keep the reason under {MAX_REASON} characters."})
    return text


def _set_status(tenant: Tenant, *, actor, status: str, reason: str, action: str) -> Tenant:
    now = timezone.now()
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().select_related("api_client").get(pk=tenant.pk)
        previous = tenant.status
        tenant.status = status
        tenant.status_reason = reason
        fields = ["status", "status_reason"]
        if status == TenantStatus.SUSPENDED:
            tenant.suspended_at = now
            fields.append("suspended_at")
        elif status == TenantStatus.OFFBOARDED:
            tenant.offboarded_at = now
            fields.append("offboarded_at")
            # Nothing is checked any more, so nothing stays open.
            HealthIssue.objects.filter(tenant=tenant).exclude(status=IssueStatus.RESOLVED).update(
                status=IssueStatus.RESOLVED, resolved_at=now
            )
            tenant.open_issue_count = 0
            tenant.next_check_at = None
            fields += ["open_issue_count", "next_check_at"]
        elif status in (TenantStatus.ACTIVE, TenantStatus.ONBOARDING):
            tenant.next_check_at = now
            fields.append("next_check_at")
        tenant.save(update_fields=fields)
        sync_metering(tenant)
        audit.record(
            actor=actor,
            action=action,
            target=tenant,
            details={"from": previous, "to": status, "reason": reason},
        )
    return tenant


def tenant_suspend(*, actor, tenant: Tenant, reason: str) -> Tenant:
    if tenant.status not in (TenantStatus.ONBOARDING, TenantStatus.ACTIVE):
        raise ValidationError(
            f"A tenant that is {tenant.get_status_display().lower()} cannot be suspended."
        )
    return _set_status(
        tenant,
        actor=actor,
        status=TenantStatus.SUSPENDED,
        reason=_reason(reason, "suspended"),
        action="tenant.suspended",
    )


def tenant_offboard(*, actor, tenant: Tenant, reason: str) -> Tenant:
    if tenant.status == TenantStatus.OFFBOARDED:
        raise ValidationError("This tenant is already offboarded.")
    return _set_status(
        tenant,
        actor=actor,
        status=TenantStatus.OFFBOARDED,
        reason=_reason(reason, "offboarded"),
        action="tenant.offboarded",
    )


def tenant_reactivate(*, actor, tenant: Tenant, reason: str = "") -> Tenant:
    """A suspended tenant goes back to active (or onboarding if it never passed a check)."""
    if tenant.status != TenantStatus.SUSPENDED:
        raise ValidationError("Only a suspended tenant can be reactivated.")
    status = TenantStatus.ACTIVE if tenant.activated_at else TenantStatus.ONBOARDING
    return _set_status(
        tenant,
        actor=actor,
        status=status,
        reason=_reason(reason, "reactivated"),
        action="tenant.reactivated",
    )


def customers_by_name(names: list[str]) -> dict[str, Customer]:
    lowered = {name.lower() for name in names}
    return {
        customer.name.lower(): customer
        for customer in Customer.objects.annotate(lname=Lower("name")).filter(lname__in=lowered)
    }
