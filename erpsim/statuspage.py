"""status.visma.com, imitated: a Statuspage page whose state fixtures change, its public
``/api/v2/summary.json``, and the webhook payloads Statuspage posts (operations-facts §2).

Payloads have no ``type`` field: a component change carries ``component_update`` and
``component``; an incident (and a scheduled maintenance, with ``scheduled_for``) carries
``incident``. Statuspage signs nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from erpsim.call import Call
from erpsim.demo_documents import iso
from erpsim.replies import Reply, json_reply

if TYPE_CHECKING:
    from erpsim.app import SandboxApp

COMPONENT_STATUSES = (
    "operational",
    "under_maintenance",
    "degraded_performance",
    "partial_outage",
    "major_outage",
)
INCIDENT_STATUSES = ("investigating", "identified", "monitoring", "resolved", "postmortem")
MAINTENANCE_STATUSES = ("scheduled", "in_progress", "verifying", "completed")
IMPACTS = ("none", "minor", "major", "critical", "maintenance")
KINDS = (
    "incident_created",
    "incident_updated",
    "incident_resolved",
    "component_degraded",
    "component_recovered",
    "maintenance_scheduled",
    "maintenance_started",
    "maintenance_completed",
)
DOCUMENTATION = "https://help.statuspage.io/knowledge_base/topics/webhook-notifications"
_COMPONENTS = [
    ("vnerp0erpapi", "Visma.net ERP API"),
    ("vnerp0saleso", "Visma.net ERP SalesOrder API"),
    ("vnerp0webapp", "Visma.net ERP"),
    ("vconnect0001", "Visma Connect"),
    ("vdevportal01", "Visma Developer Portal"),
]
DEFAULT_COMPONENT = _COMPONENTS[0][0]
# Component status -> the impact it stands for on the page.
_COMPONENT_IMPACT = {
    "operational": "none",
    "degraded_performance": "minor",
    "partial_outage": "major",
    "major_outage": "critical",
    "under_maintenance": "maintenance",
}
_DESCRIPTIONS = {
    "none": "All Systems Operational",
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major System Outage",
    "maintenance": "Service Under Maintenance",
}


class StatusPageError(ValueError):
    """A fixture that does not fit the page (unknown component, no open incident, ...)."""


class StatusPage:
    def __init__(self, new_id: Callable[[], str], now: datetime) -> None:
        self._new_id = new_id
        self.page_id = "vismastatus1"
        self.updated_at = iso(now)
        self.components = {
            component_id: {
                "id": component_id,
                "page_id": self.page_id,
                "group_id": None,
                "name": name,
                "status": "operational",
                "position": position,
                "description": None,
                "showcase": True,
                "only_show_if_degraded": False,
                "start_date": "2019-01-01",
                "created_at": "2019-01-01T00:00:00.000Z",
                "updated_at": iso(now),
            }
            for position, (component_id, name) in enumerate(_COMPONENTS, start=1)
        }
        self.incidents: dict[str, dict[str, Any]] = {}

    def copy(self) -> StatusPage:
        """A page to try a fixture on without changing this one (the id source is shared)."""
        twin = copy.copy(self)
        twin.components = copy.deepcopy(self.components)
        twin.incidents = copy.deepcopy(self.incidents)
        return twin

    # -- the page's own view -------------------------------------------------------------------

    def indicator(self) -> str:
        if any(i["status"] == "in_progress" for i in self.incidents.values()):
            return "maintenance"
        impacts = [_COMPONENT_IMPACT[c["status"]] for c in self.components.values()]
        impacts += [i["impact"] for i in self.open_incidents()]
        ranked = [i for i in ("critical", "major", "minor") if i in impacts]
        if ranked:
            return ranked[0]
        return "maintenance" if "maintenance" in impacts else "none"

    def open_incidents(self) -> list[dict[str, Any]]:
        return [
            i
            for i in self.incidents.values()
            if i["scheduled_for"] is None and i["status"] not in ("resolved", "postmortem")
        ]

    def maintenances(self) -> list[dict[str, Any]]:
        return [
            i
            for i in self.incidents.values()
            if i["scheduled_for"] is not None and i["status"] != "completed"
        ]

    def summary(self, base_url: str) -> dict[str, Any]:
        indicator = self.indicator()
        return {
            "page": {
                "id": self.page_id,
                "name": "Visma",
                "url": base_url,
                "time_zone": "Etc/UTC",
                "updated_at": self.updated_at,
            },
            "components": list(self.components.values()),
            "incidents": self.open_incidents(),
            "scheduled_maintenances": self.maintenances(),
            "status": {"indicator": indicator, "description": _DESCRIPTIONS[indicator]},
        }

    # -- fixtures ------------------------------------------------------------------------------

    def apply(self, kind: str, params: dict[str, Any], now: datetime, base_url: str) -> dict:
        """Change the page as the fixture says and return the webhook payload for it."""
        stamp = iso(now)
        self.updated_at = stamp
        if kind in ("component_degraded", "component_recovered"):
            default = "operational" if kind == "component_recovered" else "degraded_performance"
            status = params.get("status") or default
            update = self._set_component(params.get("component_id"), status, stamp)
            body: dict[str, Any] = {"component_update": update[0], "component": update[1]}
        else:
            body = {"incident": self._incident(kind, params, now, stamp)}
        indicator = self.indicator()
        return {
            "meta": {
                "unsubscribe": f"{base_url}/?unsubscribe={self._new_id()}",
                "documentation": DOCUMENTATION,
                "generated_at": stamp,
            },
            "page": {
                "id": self.page_id,
                "status_indicator": indicator,
                "status_description": _DESCRIPTIONS[indicator],
            },
            **body,
        }

    def _component(self, component_id: str | None) -> dict[str, Any]:
        component = self.components.get(component_id or DEFAULT_COMPONENT)
        if component is None:
            raise StatusPageError(f"component_id must be one of: {', '.join(self.components)}.")
        return component

    def _set_component(
        self, component_id: str | None, status: str, stamp: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        component = self._component(component_id)
        old = component["status"]
        component.update({"status": status, "updated_at": stamp})
        update = {
            "id": self._new_id(),
            "component_id": component["id"],
            "component_type": "Component",
            "created_at": stamp,
            "old_status": old,
            "new_status": status,
        }
        return update, dict(component)

    def _incident(
        self, kind: str, params: dict[str, Any], now: datetime, stamp: str
    ) -> dict[str, Any]:
        if kind in ("incident_created", "maintenance_scheduled"):
            incident = self._new_incident(kind, params, now, stamp)
        else:
            incident = self._existing(kind, params.get("incident_id"))
        affected = [self._component(c["id"]) for c in incident["components"]]
        status, component_status = _next_state(kind, params)
        olds = [c["status"] for c in affected]
        for component in affected:
            if component_status is not None:
                component.update({"status": component_status, "updated_at": stamp})
        incident["status"] = status
        incident["updated_at"] = stamp
        if status == "monitoring":
            incident["monitoring_at"] = stamp
        if status in ("resolved", "completed"):
            incident["resolved_at"] = stamp
        incident["incident_updates"].insert(
            0,
            {
                "id": self._new_id(),
                "incident_id": incident["id"],
                "status": status,
                "body": params.get("body") or _default_body(status),
                "created_at": stamp,
                "updated_at": stamp,
                "display_at": stamp,
                "wants_twitter_update": False,
                "twitter_updated_at": None,
                "custom_tweet": None,
                "deliver_notifications": True,
                "affected_components": [
                    {
                        "code": c["id"],
                        "name": c["name"],
                        "old_status": old,
                        "new_status": c["status"],
                    }
                    for c, old in zip(affected, olds, strict=True)
                ],
            },
        )
        incident["components"] = [dict(c) for c in affected]
        return copy.deepcopy(incident)

    def _new_incident(
        self, kind: str, params: dict[str, Any], now: datetime, stamp: str
    ) -> dict[str, Any]:
        maintenance = kind == "maintenance_scheduled"
        component = self._component(params.get("component_id"))
        starts = params.get("scheduled_for") or now + timedelta(days=1)
        ends = params.get("scheduled_until") or starts + timedelta(hours=2)
        incident_id = self._new_id()
        incident = {
            "id": incident_id,
            "page_id": self.page_id,
            "name": params.get("name")
            or ("Planned maintenance of Visma.net ERP" if maintenance else "Errors in the ERP API"),
            "status": "scheduled" if maintenance else "investigating",
            "impact": "maintenance" if maintenance else params.get("impact") or "major",
            "impact_override": None,
            "shortlink": f"https://stspg.io/{incident_id[:9]}",
            "backfilled": False,
            "created_at": stamp,
            "updated_at": stamp,
            "monitoring_at": None,
            "resolved_at": None,
            "scheduled_for": iso(starts) if maintenance else None,
            "scheduled_until": iso(ends) if maintenance else None,
            "scheduled_auto_transition": maintenance,
            "scheduled_remind_prior": maintenance,
            "scheduled_reminded_at": None,
            "postmortem_body": None,
            "postmortem_body_last_updated_at": None,
            "postmortem_ignored": False,
            "postmortem_notified_subscribers": False,
            "postmortem_notified_twitter": False,
            "postmortem_published_at": None,
            "incident_updates": [],
            "components": [dict(component)],
        }
        self.incidents[incident_id] = incident
        return incident

    def _existing(self, kind: str, incident_id: str | None) -> dict[str, Any]:
        pool = self.maintenances() if kind.startswith("maintenance") else self.open_incidents()
        if incident_id is not None:
            found = next((i for i in pool if i["id"] == incident_id), None)
            if found is None:
                raise StatusPageError(f"No open incident or maintenance {incident_id}.")
            return found
        if not pool:
            raise StatusPageError(
                "There is no open incident or maintenance to update; create one first."
            )
        return pool[-1]


def _next_state(kind: str, params: dict[str, Any]) -> tuple[str, str | None]:
    """(incident status, status of its components) after the fixture; None keeps them."""
    if kind == "incident_created":
        return params.get("status") or "investigating", params.get(
            "component_status"
        ) or "partial_outage"
    if kind == "incident_updated":
        return params.get("status") or "identified", params.get("component_status")
    if kind == "incident_resolved":
        return "resolved", "operational"
    if kind == "maintenance_scheduled":
        return "scheduled", None
    if kind == "maintenance_started":
        return "in_progress", "under_maintenance"
    return "completed", "operational"


def _default_body(status: str) -> str:
    return {
        "investigating": "We are investigating increased error rates in the Visma.net ERP API.",
        "identified": "The cause has been identified and a fix is being deployed.",
        "monitoring": "A fix has been deployed and we are monitoring the results.",
        "resolved": "This incident has been resolved.",
        "scheduled": "Planned maintenance; the service may be unavailable.",
        "in_progress": "Scheduled maintenance is currently in progress.",
        "completed": "The scheduled maintenance has been completed.",
    }.get(status, status)


def summary(call: Call, app: SandboxApp) -> Reply:
    """``GET /api/v2/summary.json``: the page as Statuspage's public API shows it (no auth)."""
    with app.sandbox.lock:
        return json_reply(200, app.sandbox.statuspage.summary(call.base_url))
