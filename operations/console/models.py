"""The console's history: one row per call, never a secret (the token is added by erpclient on
the wire and exists nowhere here)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tenants.models import Tenant


class CallState(models.TextChoices):
    PENDING = "pending", "Sending"
    ANSWERED = "answered", "Answered"
    NOT_SENT = "not_sent", "Not sent"
    NO_ANSWER = "no_answer", "No answer"


class ConsoleCall(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="console_calls")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254)
    operation_key = models.CharField(max_length=200)
    method = models.CharField(max_length=10)
    # The path as sent, query string included (ids and filters; the token is a header).
    path = models.CharField(max_length=2000)
    # The form's values, so a call can be run again: parameters by location, and the body.
    inputs = models.JSONField(default=dict)
    state = models.CharField(max_length=12, choices=CallState.choices, default=CallState.PENDING)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.FloatField(null=True, blank=True)
    error_kind = models.CharField(max_length=60, blank=True)
    # What the ERP said remains of the company's hour after the call, when it said.
    remaining = models.IntegerField(null=True, blank=True)
    # One rendered form (portal.form_tokens): a second submit finds this row instead of sending.
    submission = models.UUIDField(null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="console_tenant_time"),
            models.Index(fields=["actor", "-created_at"], name="console_actor_time"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def is_write(self) -> bool:
        return self.method != "GET"
