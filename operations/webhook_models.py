"""Records of what inbound ERP events do: coalesced document refreshes and automation actions.

- ``DocumentRefresh``: one row per (tenant, kind, document). A burst of events on it marks it
  pending once; one task then refreshes it once (operations/events.py).
- ``AutomationMapping``: which portal action an ERP automation action (a Visma.net button) starts,
  edited by admins and audited. ``AutomationRun``: each button press, mapped or not.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tenants.models import CheckRun, Tenant

from .refresh import Kind


class DocumentRefresh(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=[(k.value, k.value) for k in Kind])
    document_id = models.CharField(max_length=100)
    # A refresh is queued and has not started yet: later events join it.
    pending = models.BooleanField(default=False)
    requested_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Events seen and refreshes run, over the row's life (the ratio is what coalescing saves).
    events = models.PositiveIntegerField(default=0)
    refreshes = models.PositiveIntegerField(default=0)
    # The notifications waiting for the queued refresh (the newest few): feedback goes to them.
    waiting_notifications = models.JSONField(default=list, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind", "document_id"], name="operations_one_refresh_per_document"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id}"


class AutomationAction(models.TextChoices):
    CHECK_TENANT = "check_tenant", "Check this tenant now"
    REFRESH_DOCUMENT = "refresh_document", "Refresh this document"
    NOTE = "note", "Record a note for staff"


class AutomationMapping(models.Model):
    """An ERP "action triggered" event (and its webhook parameter) → a portal action."""

    event_type = models.CharField(max_length=100)
    # The automation action's webhook parameter; empty matches any parameter of the event.
    parameter = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=30, choices=AutomationAction.choices)
    note = models.CharField(
        max_length=500, blank=True, help_text="For “record a note”: what staff should do."
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["event_type", "parameter"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_type", "parameter"], name="operations_one_mapping_per_action"
            )
        ]

    def __str__(self) -> str:
        parameter = f" “{self.parameter}”" if self.parameter else ""
        return f"{self.event_type}{parameter} → {self.get_action_display()}"


class AutomationRunStatus(models.TextChoices):
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    UNMAPPED = "unmapped", "No mapping"


class AutomationRun(models.Model):
    """One press of a Visma.net button, as the portal received and handled it."""

    delivery_id = models.BigIntegerField(unique=True)
    tenant = models.ForeignKey(Tenant, null=True, on_delete=models.CASCADE, related_name="+")
    event_type = models.CharField(max_length=100)
    parameter = models.CharField(max_length=200, blank=True)
    entity_id = models.CharField(max_length=100, blank=True)
    mapping = models.ForeignKey(
        AutomationMapping, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    action = models.CharField(max_length=30, choices=AutomationAction.choices, blank=True)
    status = models.CharField(max_length=20, choices=AutomationRunStatus.choices)
    outcome = models.CharField(max_length=500, blank=True)
    check_run = models.ForeignKey(
        CheckRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event_type} on {self.entity_id or '—'}"
