"""status.visma.com: incidents, maintenance and components, confirmed before anything changes.

Statuspage signs nothing (operations-facts §2), so a webhook is a hint: on each verified delivery
(the inbox checked its URL token) the portal reads the page's public summary
(``/api/v2/summary.json`` on ``TENANTS_STATUSPAGE_URL``) and stores what *it* says. An incident the
summary does not list stays out, whatever the webhook claimed.

While a confirmed incident or maintenance touches the ERP API or Visma Connect
(``TENANTS_STATUSPAGE_ERP_COMPONENTS``): every page shows a banner (``banners``, through the
``PORTAL_BANNERS`` registry); a failing health check opens "ERP outage (Visma)" instead of a
problem of the tenant's own (``health.outage_instead``); the sweep backs off. When it resolves,
the tenants that failed during it are checked again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from portal import audit
from webhooks.handlers import Event, Source, register

from .catalogue import IssueKind
from .models import CheckTrigger, HealthIssue, IssueStatus
from .status_models import StatusComponent, StatusIncident

logger = logging.getLogger(__name__)

SUMMARY_PATH = "/api/v2/summary.json"
# Incident and maintenance states during which the service is affected (operations-facts §2).
ACTIVE_STATUSES = frozenset(
    {"investigating", "identified", "monitoring", "in_progress", "verifying"}
)
DONE_STATUSES = frozenset({"resolved", "postmortem", "completed"})


class SummaryUnavailable(Exception):
    """The status page's summary could not be read; the delivery fails and can be reprocessed."""


def read_summary() -> dict[str, Any]:
    url = settings.TENANTS_STATUSPAGE_URL.rstrip("/") + SUMMARY_PATH
    try:
        response = httpx.get(
            url, timeout=settings.TENANTS_STATUSPAGE_TIMEOUT_SECONDS, follow_redirects=False
        )
        response.raise_for_status()
        data = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise SummaryUnavailable(f"status page summary at {url} unreadable: {error}") from error
    if not isinstance(data, dict):
        raise SummaryUnavailable(f"status page summary at {url} is not a JSON object")
    return data


def _moment(value: Any, default: datetime) -> datetime:
    parsed = parse_datetime(value) if isinstance(value, str) else None
    return parsed or default


def _component_names(incident: dict[str, Any]) -> list[str]:
    names = [
        str(c.get("name", "")) for c in incident.get("components") or [] if isinstance(c, dict)
    ]
    for update in incident.get("incident_updates") or []:
        for affected in (update or {}).get("affected_components") or []:
            if isinstance(affected, dict):
                names.append(str(affected.get("name", "")))
    return sorted({name for name in names if name})


def _touches_erp(names: list[str]) -> bool:
    watched = {name.casefold() for name in settings.TENANTS_STATUSPAGE_ERP_COMPONENTS}
    return any(name.casefold() in watched for name in names)


@dataclass(frozen=True)
class Sync:
    open_ids: frozenset[str]
    resolved_erp: list[StatusIncident]


def sync(summary: dict[str, Any], *, now: datetime | None = None) -> Sync:
    """Store the summary: components, listed incidents; stored open ones it no longer lists are
    resolved. Returns the open ids and the ERP incidents this resolved."""
    now = now or timezone.now()
    listed = [
        item
        for key in ("incidents", "scheduled_maintenances")
        for item in summary.get(key) or []
        if isinstance(item, dict) and item.get("id")
    ]
    resolved_erp: list[StatusIncident] = []
    with transaction.atomic():
        for component in summary.get("components") or []:
            if isinstance(component, dict) and component.get("id"):
                StatusComponent.objects.update_or_create(
                    component_id=str(component["id"])[:64],
                    defaults={
                        "name": str(component.get("name", ""))[:200],
                        "status": str(component.get("status", ""))[:40],
                        "updated_at": _moment(component.get("updated_at"), now),
                    },
                )
        open_ids = set()
        for item in listed:
            names = _component_names(item)
            status = str(item.get("status", ""))[:40]
            updates = item.get("incident_updates") or []
            latest = updates[0].get("body", "") if updates and isinstance(updates[0], dict) else ""
            done = status in DONE_STATUSES
            incident, _ = StatusIncident.objects.select_for_update().get_or_create(
                incident_id=str(item["id"])[:64],
                defaults={
                    "name": "",
                    "status": "",
                    "started_at": now,
                    "updated_at": now,
                    "confirmed_at": now,
                },
            )
            was_open = incident.resolved_at is None
            incident.name = str(item.get("name", ""))[:300]
            incident.status = status
            incident.impact = str(item.get("impact") or "")[:40]
            incident.is_maintenance = bool(item.get("scheduled_for"))
            incident.components = names
            incident.affects_erp = _touches_erp(names)
            incident.latest_update = str(latest)[:2000]
            incident.started_at = _moment(item.get("created_at"), incident.started_at)
            incident.updated_at = _moment(item.get("updated_at"), now)
            incident.scheduled_for = (
                _moment(item.get("scheduled_for"), None) if item.get("scheduled_for") else None
            )
            incident.scheduled_until = (
                _moment(item.get("scheduled_until"), None) if item.get("scheduled_until") else None
            )
            incident.confirmed_at = now
            if done and was_open:
                incident.resolved_at = _moment(item.get("resolved_at"), now)
                if incident.affects_erp:
                    resolved_erp.append(incident)
            elif not done:
                incident.resolved_at = None
                open_ids.add(incident.incident_id)
            incident.save()
        gone = (
            StatusIncident.objects.select_for_update()
            .filter(resolved_at__isnull=True)
            .exclude(incident_id__in=[str(item["id"]) for item in listed])
        )
        for incident in gone:
            incident.resolved_at = now
            incident.status = "resolved" if not incident.is_maintenance else "completed"
            incident.save(update_fields=["resolved_at", "status"])
            if incident.affects_erp:
                resolved_erp.append(incident)
    return Sync(frozenset(open_ids), resolved_erp)


def _hint(payload: Any) -> tuple[str, str, str]:
    """(kind, incident or component id, status) as the webhook claims them."""
    data = payload if isinstance(payload, dict) else {}
    if isinstance(data.get("incident"), dict):
        incident = data["incident"]
        return "incident", str(incident.get("id", "")), str(incident.get("status", ""))
    if isinstance(data.get("component_update"), dict):
        update = data["component_update"]
        return "component", str(update.get("component_id", "")), str(update.get("new_status", ""))
    return "unknown", "", ""


@register(Source.STATUSPAGE)
def on_statuspage(event: Event) -> str:
    """A hint from status.visma.com: confirm it against the summary, store what is confirmed,
    check the tenants again when an ERP incident ends."""
    summary = read_summary()
    result = sync(summary)
    kind, item_id, claimed = _hint(event.payload)
    if result.resolved_erp:
        recheck_after(result.resolved_erp)
    if kind == "incident":
        confirmed = StatusIncident.objects.filter(incident_id=item_id).first()
        if claimed not in DONE_STATUSES and item_id not in result.open_ids:
            return (
                f"Not confirmed: the webhook says incident {item_id} is {claimed or 'open'}, "
                "but the status page's summary does not list it open. Nothing changed."
            )
        if claimed in DONE_STATUSES and confirmed is not None and confirmed.is_open:
            return f"Not confirmed: the summary still lists “{confirmed.name}” as open."
        name = confirmed.name if confirmed else item_id
        return f"Confirmed by the summary: “{name}” is {claimed or 'listed'}."
    if kind == "component":
        component = StatusComponent.objects.filter(component_id=item_id).first()
        if component is None:
            return f"Not confirmed: the summary has no component {item_id}."
        if component.status != claimed:
            return (
                f"Not confirmed: the webhook says {component.name} is {claimed}, the summary "
                f"says {component.status}; the summary's state is kept."
            )
        return f"Confirmed by the summary: {component.name} is {component.status}."
    return "Stored the status page's summary (the webhook named no incident or component)."


def recheck_after(incidents: list[StatusIncident]) -> list[int]:
    """The tenants whose checks failed with the outage (or the ERP unreachable) are checked
    again once the incident is over, and the outage issue they carry is left to that check."""
    from . import tasks

    pks = list(
        HealthIssue.objects.filter(
            Q(kind=IssueKind.ERP_OUTAGE) | Q(kind=IssueKind.ERP_UNAVAILABLE),
            status=IssueStatus.OPEN,
        )
        .values_list("tenant_id", flat=True)
        .distinct()
    )
    with transaction.atomic():
        for incident in incidents:
            audit.record(
                actor=None,
                action="tenants.erp_outage_resolved",
                target=incident,
                details={"tenants_rechecked": len(pks)},
            )
        if pks:
            transaction.on_commit(
                lambda: tasks.check_tenants.delay(pks, trigger=CheckTrigger.SWEEP)
            )
    return pks


def open_erp_incidents():
    return StatusIncident.objects.filter(
        resolved_at__isnull=True, affects_erp=True, status__in=ACTIVE_STATUSES
    ).order_by("-started_at")


def current_erp_incident() -> StatusIncident | None:
    return open_erp_incidents().first()


def incident_url(incident: StatusIncident) -> str:
    """The incident on the status page itself (never a link taken from a webhook)."""
    return f"{settings.TENANTS_STATUSPAGE_URL.rstrip('/')}/incidents/{incident.incident_id}"


BANNERS_CACHE_KEY = "tenants:erp-incident-banners"


def banners(request) -> list[dict[str, str]]:
    """For PORTAL_BANNERS: one banner per open incident on the ERP API or Visma Connect."""
    shown = []
    for incident in _open_incidents_shown():
        what = "Maintenance" if incident["maintenance"] else "Visma reports an incident"
        shown.append(
            {
                "level": "warn",
                "text": (
                    f"{what} on {', '.join(incident['components']) or 'Visma.net ERP'}: "
                    f"“{incident['name']}” ({incident['status']}). ERP calls may fail; health "
                    "checks wait until it is resolved."
                ),
                "url": reverse("tenants:status_history") + f"#incident-{incident['pk']}",
                "link_text": "See the incident",
            }
        )
    return shown


def _open_incidents_shown() -> list[dict[str, Any]]:
    """What the banners show of the open ERP incidents (at most 3), kept in the cache: every page
    shows them, and they change only when an incident is saved (which drops the copy)."""
    try:
        shown = cache.get(BANNERS_CACHE_KEY)
    except Exception:  # the cache is down: read the database, as every page did before
        shown = None
    if shown is None:
        shown = [
            {
                "pk": incident.pk,
                "maintenance": incident.is_maintenance,
                "components": list(incident.components),
                "name": incident.name,
                "status": incident.status,
            }
            for incident in open_erp_incidents()[:3]
        ]
        try:
            cache.set(
                BANNERS_CACHE_KEY, shown, timeout=settings.TENANTS_STATUSPAGE_BANNERS_CACHE_SECONDS
            )
        except Exception:  # the cache is down: the next page reads the database again
            logger.debug("The incident banners could not be cached", exc_info=True)
    return shown


@receiver(post_save, sender=StatusIncident)
@receiver(post_delete, sender=StatusIncident)
def forget_banners(**kwargs) -> None:
    """An incident changed: the banners are read again, now and once the change commits."""

    def delete() -> None:
        try:
            cache.delete(BANNERS_CACHE_KEY)
        except Exception:  # the copy expires after TENANTS_STATUSPAGE_BANNERS_CACHE_SECONDS
            logger.warning("The incident banners could not be dropped from the cache")

    delete()
    transaction.on_commit(delete)
