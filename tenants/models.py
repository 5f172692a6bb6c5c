"""API clients, customers, tenants (one ERP company each), health checks and health issues.

Invariants live here (a tenant id is unique per API client; one issue row per tenant and kind);
state changes go through ``services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from portal.fields import EncryptedTextField
from usage import conf as usage_conf
from usage.models import ClientType

from .catalogue import IssueKind, Owner


class Environment(models.TextChoices):
    SANDBOX = "sandbox", "Sandbox ERP"
    PRODUCTION = "production", "Visma.net (configured URLs)"


def offered_environments() -> list[tuple[str, str]]:
    """The sandbox ERP only where the portal runs with it (PORTAL_SANDBOX, never production):
    there it would send a real client secret over plain HTTP to the sandbox's address."""
    return [
        (value, label)
        for value, label in Environment.choices
        if value != Environment.SANDBOX or settings.PORTAL_SANDBOX
    ]


# Staff notes on a tenant: a few paragraphs, not a document.
TENANT_NOTES_MAX_LENGTH = 4000


class ApiClient(models.Model):
    """One Visma Developer Portal API client (client id + secret) the ISV registers tenants on."""

    name = models.CharField(max_length=120, unique=True)
    client_id = models.CharField("client id", max_length=200, unique=True)
    client_secret = EncryptedTextField("client secret")
    client_type = models.CharField(
        "type", max_length=20, choices=ClientType.choices, default=ClientType.TEST
    )
    hourly_limit_override = models.PositiveIntegerField(
        "hourly limit",
        null=True,
        blank=True,
        help_text="Calls per company per hour; empty: the type's default (USAGE_LIMIT_TEST, "
        "USAGE_LIMIT_PRODUCTION).",
    )
    scopes = models.JSONField(default=list, blank=True)
    environment = models.CharField(
        max_length=20, choices=Environment.choices, default=Environment.PRODUCTION
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    secret_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "API client"

    def __str__(self) -> str:
        return self.name

    @property
    def hourly_limit(self) -> int:
        if self.hourly_limit_override:
            return self.hourly_limit_override
        return usage_conf.hourly_limit_for(self.client_type)


class Customer(models.Model):
    """The contract: one customer may own several companies (tenants)."""

    name = models.CharField(max_length=200)
    organisation_number = models.CharField(max_length=40, blank=True)
    customer_tenant_id = models.CharField(
        "customer tenant id",
        max_length=36,
        blank=True,
        help_text="The contract's tenant id; it is NOT the id a tenant is registered with.",
    )
    contact_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="tenants_customer_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class TenantStatus(models.TextChoices):
    ONBOARDING = "onboarding", "Onboarding"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    OFFBOARDED = "offboarded", "Offboarded"


# Tenants the periodic sweep checks.
CHECKED_STATUSES = (TenantStatus.ONBOARDING, TenantStatus.ACTIVE)


class Tenant(models.Model):
    """One ERP company, reached through one API client with its company tenant id."""

    tenant_id = models.CharField("tenant id", max_length=36)
    company_id = models.BigIntegerField("ERP company id", null=True, blank=True)
    erp_company_name = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=200)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="tenants")
    api_client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="tenants")
    status = models.CharField(
        max_length=20, choices=TenantStatus.choices, default=TenantStatus.ONBOARDING
    )
    status_reason = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    offboarded_at = models.DateTimeField(null=True, blank=True)
    # Kept up to date by the health services so the list needs no aggregate per row.
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_check_ok = models.BooleanField(null=True)
    open_issue_count = models.PositiveIntegerField(default=0)
    next_check_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["api_client", "tenant_id"], name="tenants_tenant_unique_per_client"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "name"], name="tenants_status_name"),
            models.Index(fields=["name"], name="tenants_name"),
            models.Index(fields=["tenant_id"], name="tenants_tenant_id"),
            models.Index(fields=["next_check_at"], name="tenants_next_check"),
            models.Index(fields=["open_issue_count"], name="tenants_open_issues"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """What pages, messages and the audit call this company: the name given at onboarding
        (or learnt from the ERP), else the ERP's company name, else the tenant id. Never blank."""
        return self.name or self.erp_company_name or self.tenant_id

    @property
    def is_checkable(self) -> bool:
        """Only onboarding and active tenants are checked: suspension and offboarding stop it."""
        return self.status in CHECKED_STATUSES


class CheckTrigger(models.TextChoices):
    ONBOARDING = "onboarding", "Onboarding"
    MANUAL = "manual", "Check now"
    SWEEP = "sweep", "Periodic sweep"
    # A customer pressed a Visma.net button mapped to "check this tenant now" (operations).
    AUTOMATION = "automation", "Visma.net button"


class CheckOutcome(models.TextChoices):
    RUNNING = "running", "Running"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Problems found"
    DEFERRED = "deferred", "Deferred"


class CheckRun(models.Model):
    """One health check of one tenant: its steps in order, with what each found."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="checks")
    trigger = models.CharField(max_length=20, choices=CheckTrigger.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=20, choices=CheckOutcome.choices, default=CheckOutcome.RUNNING
    )
    # Each step in the order they run, as ``checks.StepResult.as_json`` writes it (name: a
    # ``steps.Step``, status: a ``steps.StepStatus``), plus "started" while it runs.
    steps = models.JSONField(default=list)
    summary = models.TextField(blank=True)
    ratelimit = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["tenant", "-started_at"], name="tenants_check_recent")]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} of {self.tenant} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def finished(self) -> bool:
        return self.outcome != CheckOutcome.RUNNING


class IssueStatus(models.TextChoices):
    OPEN = "open", "Open"
    MUTED = "muted", "Muted"
    RESOLVED = "resolved", "Resolved"


class HealthIssue(models.Model):
    """One kind of problem of one tenant. Reopened when it comes back; resolved only after the
    configured number of good checks in a row, so a wobbling tenant does not flap."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="issues")
    kind = models.CharField(max_length=40, choices=IssueKind.choices)
    status = models.CharField(max_length=20, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    owner = models.CharField(max_length=40, choices=Owner.choices)
    title = models.CharField(max_length=200)
    remediation = models.TextField()
    customer_message = models.TextField()
    details = models.JSONField(default=dict, blank=True)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    occurrences = models.PositiveIntegerField(default=1)
    quiet_checks = models.PositiveIntegerField(default=0)
    muted_reason = models.TextField(blank=True)
    muted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    muted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "kind"], name="tenants_issue_unique_kind"),
        ]
        indexes = [
            models.Index(fields=["status", "kind"], name="tenants_issue_status_kind"),
            models.Index(fields=["status", "owner"], name="tenants_issue_status_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.tenant}"

    @property
    def is_active(self) -> bool:
        return self.status != IssueStatus.RESOLVED

    @property
    def group_label(self) -> str:
        """The inbox groups issues by kind and owner."""
        return f"{self.get_kind_display()} · {self.get_owner_display()}"


from .status_models import StatusComponent, StatusIncident  # noqa: E402, F401 (status.visma.com)
