"""The inbox: every inbound webhook request as it arrived, and what verifies a source.

A delivery keeps its stages apart (dj-stripe's lesson, operations-facts §3): what arrived
(headers redacted, the raw body and its hash), how it was verified and whether it passed, which
delivery it duplicates, and how processing went (status, attempts, outcome, last error and
traceback). Secrets never stay readable: dispatcher signing keys are encrypted (several per
subscription, for rotation) and Statuspage URL tokens are kept as hashes only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone

from portal.fields import EncryptedTextField

from .handlers import Source


class DeliveryStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    REJECTED = "rejected", "Rejected"
    QUEUED = "queued", "Queued"
    PROCESSING = "processing", "Processing"
    PROCESSED = "processed", "Processed"
    FAILED = "failed", "Failed"
    DUPLICATE = "duplicate", "Ignored: duplicate"
    IGNORED = "ignored", "Ignored by its handler"
    UNHANDLED = "unhandled", "No handler"


# Statuses an admin may send through processing again (never a rejected or duplicate one).
REPROCESSABLE = (
    DeliveryStatus.FAILED,
    DeliveryStatus.UNHANDLED,
    DeliveryStatus.IGNORED,
    DeliveryStatus.PROCESSED,
)


class Verification(models.TextChoices):
    SIGNATURE = "signature", "HMAC signature over the raw body"
    URL_TOKEN = "url_token", "Secret token in the URL"
    REFETCH = "refetch", "Confirmed by its handler's GET"
    NONE = "none", "Not verified"


SOURCE_CHOICES = [
    (source.value, label)
    for source, label in (
        (Source.VISMA, "Visma Webhook Dispatcher"),
        (Source.BACKGROUND_URL, "Background API URL callback (legacy)"),
        (Source.STATUSPAGE, "status.visma.com"),
    )
]


class InboundDelivery(models.Model):
    """One inbound request, stored before anything else is done with it."""

    source = models.CharField(max_length=20, choices=SOURCE_CHOICES)
    endpoint = models.CharField(max_length=40)
    received_at = models.DateTimeField(default=timezone.now)
    remote_ip = models.GenericIPAddressField(null=True, blank=True)
    # Header names in lower case; secrets (signatures, cookies, authorization) masked.
    headers = models.JSONField(default=dict)
    content_type = models.CharField(max_length=200, blank=True)
    # The raw bytes as they arrived (the signature is over these, never re-serialised JSON).
    body = models.BinaryField(default=b"")
    body_size = models.PositiveIntegerField(default=0)
    body_stored = models.BooleanField(default=True)
    body_sha256 = models.CharField(max_length=64, blank=True)
    # What the portal answered the sender.
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)

    verification = models.CharField(
        max_length=20, choices=Verification.choices, default=Verification.NONE
    )
    verified = models.BooleanField(null=True)
    verification_note = models.CharField(max_length=300, blank=True)

    dedupe_key = models.CharField(max_length=200, blank=True)
    # True on the one delivery of a dedupe key that is processed (a unique index holds it).
    first_of_key = models.BooleanField(default=False)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="duplicates"
    )
    erp_tenant_id = models.CharField("tenant id", max_length=64, blank=True)
    event_type = models.CharField(max_length=100, blank=True)
    subscription_id = models.CharField(max_length=100, blank=True)

    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.RECEIVED
    )
    attempts = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=500, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    traceback = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name_plural = "inbound deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "dedupe_key"],
                condition=Q(first_of_key=True),
                name="webhooks_one_first_delivery_per_key",
            )
        ]
        indexes = [
            models.Index(fields=["received_at"], name="webhooks_received_idx"),
            models.Index(fields=["source", "status"], name="webhooks_source_status_idx"),
            # The inbox's tenant filter ignores case (iexact: UPPER(col) = UPPER(value)),
            # which only an index on the same expression serves. The event filter is a substring
            # search that no btree serves, so the event has no index: each one is a write on
            # every delivery's hot path.
            models.Index(Upper("erp_tenant_id"), name="webhooks_tenant_ci_idx"),
            # The silence survey and reprocessing a range: one source's deliveries over time.
            models.Index(fields=["source", "received_at"], name="webhooks_source_time_idx"),
            # Hand-over rounds and the stale sweep read only the queued few among millions.
            models.Index(
                fields=["received_at"],
                condition=Q(status="queued"),
                name="webhooks_queued_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} delivery {self.pk}"

    @property
    def reprocessable(self) -> bool:
        return self.status in REPROCESSABLE


class Subscription(models.Model):
    """A Developer Portal webhook subscription whose deliveries the portal accepts."""

    name = models.CharField(max_length=120, unique=True)
    # The dispatcher's id (x-vwd-subscription-id), when known: its keys are tried first.
    dispatcher_id = models.CharField("dispatcher subscription id", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispatcher_id"],
                condition=~Q(dispatcher_id=""),
                name="webhooks_one_subscription_per_dispatcher_id",
            )
        ]

    def __str__(self) -> str:
        return self.name


class SigningKey(models.Model):
    """A subscription's signature key. Several may be active at once (rotation)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="keys")
    label = models.CharField(max_length=120)
    secret = EncryptedTextField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-active", "-created_at"]

    def __str__(self) -> str:
        return f"{self.subscription} · {self.label}"


class StatuspageToken(models.Model):
    """The secret in the Statuspage webhook URL, kept only as its SHA-256 (rotatable)."""

    label = models.CharField(max_length=120)
    token_sha256 = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-active", "-created_at"]

    def __str__(self) -> str:
        return self.label


class SilenceAlarm(models.Model):
    """A source that normally speaks has been silent too long: an issue of the inbox's own."""

    source = models.CharField(max_length=20, choices=SOURCE_CHOICES)
    opened_at = models.DateTimeField()
    last_delivery_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source"],
                condition=Q(resolved_at__isnull=True),
                name="webhooks_one_open_silence_alarm_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} silent since {self.last_delivery_at}"
