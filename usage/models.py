"""What usage meters and what it has seen.

- ``MeteredCompany``: one (API client, company tenant) pair the portal calls the ERP for.
- ``BudgetWindow``: the database limiter's state of the current hourly window (Redis holds the
  same fields when ``REDIS_URL`` is set).
- ``HourlyUsage`` / ``HourlyFamilyUsage``: the hourly rollups, per company and per endpoint family.
- ``CallLog``: the raw ledger, one row per attempt, pruned after ``USAGE_CALL_LOG_DAYS``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from . import conf


class ClientType(models.TextChoices):
    """A Visma Developer Portal client's type; it sets the default hourly limit
    (``USAGE_HOURLY_LIMITS``). The tenants app's API clients use the same choices."""

    TEST = "test", "Test"
    PRODUCTION = "production", "Production"


class MeteredCompany(models.Model):
    client_id = models.CharField(max_length=200, help_text="The Visma Connect client id.")
    tenant_id = models.CharField(max_length=64, help_text="The company tenant GUID.")
    company_id = models.BigIntegerField(null=True, blank=True, help_text="The ERP company id.")
    name = models.CharField(max_length=200, blank=True)
    client_type = models.CharField(max_length=20, choices=ClientType.choices)
    hourly_limit_override = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Calls per hour; empty: the client type's default (USAGE_HOURLY_LIMITS).",
    )
    background_reserve = models.FloatField(
        null=True,
        blank=True,
        help_text="Share of the hourly budget kept for staff; empty: the client type's default.",
    )
    tenant_pk = models.PositiveBigIntegerField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Running totals since metering began, for the Prometheus counters (rollups get pruned).
    total_calls = models.BigIntegerField(default=0)
    total_2xx = models.BigIntegerField(default=0)
    total_3xx = models.BigIntegerField(default=0)
    total_4xx = models.BigIntegerField(default=0)
    total_5xx = models.BigIntegerField(default=0)
    total_no_response = models.BigIntegerField(default=0)
    total_429 = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["name", "client_id"]
        constraints = [
            models.UniqueConstraint(fields=["client_id", "tenant_id"], name="usage_metered_unique"),
            models.CheckConstraint(
                condition=Q(background_reserve__isnull=True)
                | Q(background_reserve__gte=0, background_reserve__lt=1),
                name="usage_metered_reserve_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.client_id})"

    @property
    def label(self) -> str:
        return self.name or self.tenant_id

    @property
    def hourly_limit(self) -> int:
        """The configured hourly budget: the override, else the client type's default."""
        return self.hourly_limit_override or conf.hourly_limit_for(self.client_type)

    @property
    def effective_reserve(self) -> float:
        if self.background_reserve is not None:
            return self.background_reserve
        return conf.reserve_for(self.client_type)


class BudgetWindow(models.Model):
    """The database limiter's view of one (client, tenant) hourly window (epoch seconds)."""

    client_id = models.CharField(max_length=200)
    tenant_id = models.CharField(max_length=64)
    window_end = models.FloatField()
    used = models.PositiveIntegerField(default=0)
    erp_limit = models.PositiveIntegerField(null=True)
    erp_remaining = models.IntegerField(null=True)
    erp_policy = models.CharField(max_length=60, blank=True)
    erp_seen_at = models.FloatField(null=True)
    blocked_until = models.FloatField(null=True)
    alerted_until = models.FloatField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client_id", "tenant_id"], name="usage_window_unique")
        ]

    def __str__(self) -> str:
        return f"{self.client_id}/{self.tenant_id}: {self.used} used"


class HourlyUsage(models.Model):
    """ERP calls of one company in one clock hour (UTC). Visma Connect token calls are not ERP
    calls and are only in the family rollup and the call log."""

    company = models.ForeignKey(MeteredCompany, on_delete=models.CASCADE, related_name="hours")
    hour = models.DateTimeField()
    calls = models.PositiveIntegerField(default=0)
    status_2xx = models.PositiveIntegerField(default=0)
    status_3xx = models.PositiveIntegerField(default=0)
    status_4xx = models.PositiveIntegerField(default=0)
    status_5xx = models.PositiveIntegerField(default=0)
    no_response = models.PositiveIntegerField(default=0)
    rate_limited = models.PositiveIntegerField(default=0)
    interactive = models.PositiveIntegerField(default=0)
    background = models.PositiveIntegerField(default=0)
    duration_ms_total = models.FloatField(default=0.0)
    last_limit = models.IntegerField(null=True)
    last_remaining = models.IntegerField(null=True)
    last_reset_at = models.DateTimeField(null=True)
    last_policy = models.CharField(max_length=60, blank=True)
    last_seen_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["company", "hour"]
        constraints = [
            models.UniqueConstraint(fields=["company", "hour"], name="usage_hourly_unique")
        ]
        indexes = [
            models.Index(fields=["hour"], name="usage_hourly_hour"),
            models.Index(
                fields=["hour", "company"],
                name="usage_hourly_throttled",
                condition=Q(rate_limited__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_id} {self.hour:%Y-%m-%d %H}:00 {self.calls} calls"


class HourlyFamilyUsage(models.Model):
    company = models.ForeignKey(MeteredCompany, on_delete=models.CASCADE, related_name="families")
    hour = models.DateTimeField()
    family = models.CharField(max_length=60)
    calls = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    rate_limited = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["company", "hour", "family"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "hour", "family"], name="usage_family_unique"
            )
        ]
        indexes = [models.Index(fields=["hour"], name="usage_family_hour")]

    def __str__(self) -> str:
        return f"{self.company_id} {self.hour:%Y-%m-%d %H}:00 {self.family}: {self.calls}"


class CallLog(models.Model):
    """One attempt at one ERP (or Visma Connect) request. Never a secret, a token or a body."""

    company = models.ForeignKey(MeteredCompany, on_delete=models.CASCADE, related_name="calls")
    started_at = models.DateTimeField()
    method = models.CharField(max_length=10)
    path_template = models.CharField(max_length=300)
    family = models.CharField(max_length=60)
    priority = models.CharField(max_length=20)
    status = models.PositiveSmallIntegerField(null=True)
    duration_ms = models.FloatField()
    attempt = models.PositiveSmallIntegerField(default=1)
    fault_code = models.CharField(max_length=40, blank=True)
    error_kind = models.CharField(max_length=60, blank=True)
    retry_after = models.FloatField(null=True)
    request_id = models.CharField(max_length=120, blank=True)
    ratelimit_limit = models.IntegerField(null=True)
    ratelimit_remaining = models.IntegerField(null=True)
    ratelimit_policy = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["company", "-started_at"], name="usage_call_company"),
            models.Index(fields=["started_at"], name="usage_call_started"),
            models.Index(
                fields=["company", "-started_at"],
                name="usage_call_throttled",
                condition=Q(status=429),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path_template} -> {self.status}"


class LedgerFlush(models.Model):
    """A batch of Redis-buffered calls written into the ledger, by its id: a batch taken over
    from a flusher that died after committing it is recognised and not written twice."""

    batch_id = models.CharField(max_length=32, primary_key=True)
    flushed_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.batch_id} at {self.flushed_at:%Y-%m-%d %H:%M:%S}"
