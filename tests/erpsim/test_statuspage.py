"""status.visma.com fixtures: Statuspage webhook payloads posted to a URL, and the public
summary.json whose state they change (or, on request, contradict)."""

from __future__ import annotations

import json

import httpx
import pytest

from .helpers import WebhookReceiver

# operations-facts §2: the fields a Statuspage incident and component update carry.
INCIDENT_FIELDS = {
    "id",
    "name",
    "status",
    "impact",
    "impact_override",
    "shortlink",
    "backfilled",
    "created_at",
    "updated_at",
    "monitoring_at",
    "resolved_at",
    "scheduled_for",
    "scheduled_until",
    "scheduled_auto_transition",
    "scheduled_remind_prior",
    "scheduled_reminded_at",
    "postmortem_body",
    "postmortem_body_last_updated_at",
    "postmortem_ignored",
    "postmortem_notified_subscribers",
    "postmortem_notified_twitter",
    "postmortem_published_at",
    "incident_updates",
    "components",
}
UPDATE_FIELDS = {
    "id",
    "incident_id",
    "body",
    "status",
    "created_at",
    "display_at",
    "updated_at",
    "wants_twitter_update",
    "twitter_updated_at",
    "affected_components",
}


@pytest.fixture
def receiver():
    with WebhookReceiver() as listening:
        yield listening


def post(sandbox, receiver, kind, **fields):
    return sandbox.control(
        "POST", "/_sandbox/statuspage", {"url": receiver.url, "kind": kind, **fields}
    )


def summary(sandbox):
    return httpx.get(f"{sandbox.url}/api/v2/summary.json").json()


def received(receiver):
    return [json.loads(item["body"]) for item in receiver.received]


def test_an_all_clear_summary_to_start_with(sandbox):
    page = summary(sandbox)

    assert page["status"] == {"indicator": "none", "description": "All Systems Operational"}
    assert page["incidents"] == [] and page["scheduled_maintenances"] == []
    assert {c["status"] for c in page["components"]} == {"operational"}
    assert "Visma.net ERP API" in {c["name"] for c in page["components"]}


def test_an_incident_created_updated_and_resolved(sandbox, receiver):
    created = post(sandbox, receiver, "incident_created", impact="major", name="ERP API errors")
    during = summary(sandbox)
    post(sandbox, receiver, "incident_updated", status="monitoring", body="Fix deployed")
    post(sandbox, receiver, "incident_resolved")
    after = summary(sandbox)

    first, update, resolved = received(receiver)
    assert created["delivery"]["status"] == 200
    for payload in (first, update, resolved):
        assert "type" not in payload and "component_update" not in payload
        assert set(payload) == {"meta", "page", "incident"}
        assert set(payload["incident"]) >= INCIDENT_FIELDS
        assert set(payload["incident"]["incident_updates"][0]) >= UPDATE_FIELDS
        assert payload["incident"]["scheduled_for"] is None
    assert first["incident"]["id"] == update["incident"]["id"] == resolved["incident"]["id"]
    assert [p["incident"]["status"] for p in (first, update, resolved)] == [
        "investigating",
        "monitoring",
        "resolved",
    ]
    assert len(resolved["incident"]["incident_updates"]) == 3
    assert first["page"]["status_indicator"] == "major"
    assert [i["id"] for i in during["incidents"]] == [first["incident"]["id"]]
    assert during["status"]["indicator"] == "major"
    assert resolved["page"]["status_indicator"] == "none"
    assert after["incidents"] == [] and after["status"]["indicator"] == "none"


def test_a_component_degraded_and_recovered(sandbox, receiver):
    post(sandbox, receiver, "component_degraded", component_id="vnerp0saleso")
    degraded = summary(sandbox)
    post(sandbox, receiver, "component_recovered", component_id="vnerp0saleso")

    down, up = received(receiver)
    assert set(down) == {"meta", "page", "component_update", "component"}
    assert down["component_update"]["component_id"] == down["component"]["id"] == "vnerp0saleso"
    assert (down["component_update"]["old_status"], down["component_update"]["new_status"]) == (
        "operational",
        "degraded_performance",
    )
    assert {"id", "component_id", "created_at", "old_status", "new_status"} <= set(
        down["component_update"]
    )
    assert {"id", "name", "created_at", "status"} <= set(down["component"])
    assert degraded["status"]["indicator"] == "minor"
    saleso = next(c for c in degraded["components"] if c["id"] == "vnerp0saleso")
    assert saleso["status"] == "degraded_performance"
    assert up["component_update"]["new_status"] == "operational"
    assert summary(sandbox)["status"]["indicator"] == "none"


def test_maintenance_is_an_incident_with_scheduled_for(sandbox, receiver):
    post(
        sandbox,
        receiver,
        "maintenance_scheduled",
        scheduled_for="2026-07-10T22:00:00Z",
        scheduled_until="2026-07-11T01:00:00Z",
    )
    scheduled = summary(sandbox)
    post(sandbox, receiver, "maintenance_started")
    during = summary(sandbox)
    post(sandbox, receiver, "maintenance_completed")

    planned, started, done = received(receiver)
    assert planned["incident"]["scheduled_for"] == "2026-07-10T22:00:00.000Z"
    assert planned["incident"]["impact"] == "maintenance"
    assert [p["incident"]["status"] for p in (planned, started, done)] == [
        "scheduled",
        "in_progress",
        "completed",
    ]
    assert [m["id"] for m in scheduled["scheduled_maintenances"]] == [planned["incident"]["id"]]
    assert scheduled["incidents"] == []
    assert during["status"]["indicator"] == "maintenance"
    assert summary(sandbox)["scheduled_maintenances"] == []


def test_a_hint_the_summary_contradicts(sandbox, receiver):
    answer = post(sandbox, receiver, "incident_created", apply_to_summary=False)

    [payload] = received(receiver)
    assert payload["page"]["status_indicator"] == "major"
    assert answer["delivery"]["applied_to_summary"] is False
    assert summary(sandbox)["status"]["indicator"] == "none"
    assert summary(sandbox)["incidents"] == []


def test_statuspage_posts_are_unsigned_json(sandbox, receiver):
    post(sandbox, receiver, "component_degraded")

    [delivery] = receiver.received
    headers = {k.lower() for k in delivery["headers"]}
    assert delivery["headers"]["Content-Type"] == "application/json"
    assert not any(h.startswith("x-vwd") for h in headers)


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "incident_exploded"},
        {"kind": "incident_updated"},  # nothing open to update
        {"kind": "incident_resolved"},
        {"kind": "component_degraded", "component_id": "nope"},
        {"kind": "component_degraded", "status": "on_fire"},
        {"kind": "incident_created", "status": "resolved"},
        {"kind": "incident_created", "impact": "apocalyptic"},
        {"kind": "maintenance_scheduled", "scheduled_for": "soon"},
        {
            "kind": "maintenance_scheduled",
            "scheduled_for": "2026-07-11T00:00:00Z",
            "scheduled_until": "2026-07-10T00:00:00Z",
        },
        {"kind": "incident_created", "url": "http://status-hooks.example.com/in"},
        {"kind": "incident_created", "apply_to_summary": "no"},
    ],
)
def test_a_bad_fixture_posts_nothing_and_changes_nothing(sandbox, receiver, fields):
    response = httpx.post(
        f"{sandbox.url}/_sandbox/statuspage", json={"url": receiver.url, **fields}
    )

    assert response.status_code == 400 and response.json()["error"]
    assert receiver.received == []
    assert summary(sandbox)["status"]["indicator"] == "none"


def test_the_summary_is_recorded_like_other_calls_and_reset_clears_it(sandbox, receiver):
    post(sandbox, receiver, "incident_created")
    summary(sandbox)
    sandbox.reset()

    assert summary(sandbox)["incidents"] == []
    [entry] = [e for e in sandbox.control("GET", "/_sandbox/requests") if e["api"] == "statuspage"]
    assert entry["path"] == "/api/v2/summary.json" and entry["status"] == 200
