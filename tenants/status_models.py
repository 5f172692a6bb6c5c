"""status.visma.com as the portal last confirmed it: components and incidents (maintenance is an
incident with a schedule). Written only from the status page's public summary, never from a
webhook's payload alone (tenants/statuspage.py)."""

from __future__ import annotations

from django.db import models

# Statuspage's words (operations-facts.md §2) as people read them; an unknown one is shown as sent.
STATUS_WORDS = {
    "operational": "Operational",
    "under_maintenance": "Under maintenance",
    "degraded_performance": "Degraded performance",
    "partial_outage": "Partial outage",
    "major_outage": "Major outage",
    "investigating": "Investigating",
    "identified": "Identified",
    "monitoring": "Monitoring",
    "resolved": "Resolved",
    "postmortem": "Postmortem",
    "scheduled": "Scheduled",
    "in_progress": "In progress",
    "verifying": "Verifying",
    "completed": "Completed",
    "none": "No impact",
    "minor": "Minor impact",
    "major": "Major impact",
    "critical": "Critical impact",
    "maintenance": "Maintenance",
}


def status_words(code: str) -> str:
    return STATUS_WORDS.get(code, code)


class StatusComponent(models.Model):
    component_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=40)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}: {self.status}"

    @property
    def status_label(self) -> str:
        return status_words(self.status)


class StatusIncident(models.Model):
    incident_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=300)
    status = models.CharField(max_length=40)
    impact = models.CharField(max_length=40, blank=True)
    is_maintenance = models.BooleanField(default=False)
    # Names of the components it names; whether one is the ERP API or Visma Connect.
    components = models.JSONField(default=list, blank=True)
    affects_erp = models.BooleanField(default=False)
    latest_update = models.TextField(blank=True)
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    scheduled_for = models.DateTimeField(null=True, blank=True)
    scheduled_until = models.DateTimeField(null=True, blank=True)
    # Open while the summary lists it; resolved when it says so or no longer lists it.
    resolved_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["resolved_at", "affects_erp"], name="tenants_incident_open")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def status_label(self) -> str:
        return status_words(self.status)

    @property
    def impact_label(self) -> str:
        return status_words(self.impact) if self.impact else ""
