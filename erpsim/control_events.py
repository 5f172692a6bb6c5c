"""Control calls for webhooks: subscriptions, events a test "presses" (automation actions, bursts),
flushing and replaying notifications, Statuspage fixtures, and the feedback the ERP received."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from erpsim.call import Call
from erpsim.control_input import body, company_of, moment, refuse, tenant_of
from erpsim.events import ACTION_EVENTS, CATALOGUE, Event, Occurrence, Subscription
from erpsim.loopback import check_notification_url
from erpsim.replies import Reply, json_reply
from erpsim.state import Company
from erpsim.statuspage import (
    COMPONENT_STATUSES,
    IMPACTS,
    INCIDENT_STATUSES,
    KINDS,
    StatusPageError,
)
from erpsim.webhooks import Delivery, encode

if TYPE_CHECKING:
    from erpsim.app import SandboxApp

MAX_BURST = 5000
# Statuses a fixture may give an incident that stays open (resolving has its own kind).
OPEN_STATUSES = tuple(s for s in INCIDENT_STATUSES if s not in ("resolved", "postmortem"))
STATUSPAGE_USER_AGENT = "Atlassian Statuspage"


# -- subscriptions -----------------------------------------------------------------------------


def list_subscriptions(call: Call, app: SandboxApp) -> Reply:
    return json_reply(200, [s.public() for s in app.sandbox.all_subscriptions()])


def add_subscription(call: Call, app: SandboxApp) -> Reply:
    """Register (or, with the same ``id``, replace) a webhook subscription of one client."""
    data = body(
        call,
        {"id", "client_id", "tenant_id", "url", "key", "keys", "events"},
        {"client_id", "url"},
    )
    sandbox = app.sandbox
    client_id = data["client_id"]
    if client_id not in sandbox.clients:
        raise refuse(f"No client {client_id}. Register it first.", 404)
    company_id = None
    if data.get("tenant_id") is not None:
        company_id = tenant_of(app, str(data["tenant_id"])).company_id
    if not isinstance(data["url"], str):
        raise refuse("url must be an http(s) URL.")
    try:
        url = check_notification_url(data["url"])
    except ValueError as error:
        raise refuse(f"url: {error}.") from None
    keys = _keys(data)
    events = None
    if data.get("events") is not None:
        if not isinstance(data["events"], list) or not data["events"]:
            raise refuse("events must be a non-empty list of event names (or null for all).")
        try:
            events = frozenset(Event.parse(e) for e in data["events"])
        except ValueError as error:
            raise refuse(str(error)) from None
    subscription_id = data.get("id") or sandbox.ids.guid()
    if not isinstance(subscription_id, str) or subscription_id.startswith("client-"):
        raise refuse("id must be a string that does not start with 'client-'.")
    subscription = Subscription(subscription_id, client_id, company_id, url, keys, events)
    sandbox.subscriptions.put(subscription)
    return json_reply(201, subscription.public())


def _keys(data: dict[str, Any]) -> tuple[str, ...]:
    if ("key" in data) == ("keys" in data):
        raise refuse("Give the signature key as key, or several as keys (the first signs).")
    keys = [data["key"]] if "key" in data else data["keys"]
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str) and k for k in keys):
        raise refuse("key must be a non-empty string; keys a non-empty list of them.")
    return tuple(keys)


def remove_subscription(call: Call, app: SandboxApp) -> Reply:
    body(call, set())
    if not app.sandbox.subscriptions.remove(call.params["subscription_id"]):
        raise refuse(f"No subscription {call.params['subscription_id']}.", 404)
    return json_reply(200, {"removed": call.params["subscription_id"]})


# -- events a test presses -----------------------------------------------------------------------


def press(call: Call, app: SandboxApp) -> Reply:
    """An event as the ERP would raise it: an automation action pressed in the ERP's UI (with
    its webhook parameter), or any catalogue event, ``count`` times on one document."""
    data = body(
        call, {"tenant_id", "event", "entity_id", "parameter", "count"}, {"tenant_id", "event"}
    )
    try:
        event = Event.parse(data["event"])
    except ValueError as error:
        raise refuse(str(error)) from None
    if event == Event.BACKGROUND_API_RESPONSE:
        raise refuse("BACKGROUND_API_RESPONSE comes from the Background API; queue a request.")
    count = data.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_BURST:
        raise refuse(f"count must be a whole number from 1 to {MAX_BURST}.")
    parameter = data.get("parameter")
    if parameter is not None and (event not in ACTION_EVENTS or not isinstance(parameter, str)):
        raise refuse("parameter is a string, and only action events carry one.")
    sandbox = app.sandbox
    with sandbox.lock:
        company = company_of(app, str(data["tenant_id"]))
        entity_id = _entity(company, event, data.get("entity_id"))
    extra = {"parameter": parameter} if parameter is not None else {}
    ids: list[str] = []
    for _ in range(count):
        ids += sandbox.publish(
            Occurrence(
                event,
                company.company_id,
                entity_id,
                None,
                call.base_url,
                sandbox.clock.now(),
                extra,
            )
        )
    return json_reply(202, {"event": event.value, "entity_id": entity_id, "notification_ids": ids})


def _entity(company: Company, event: Event, raw: Any) -> str:
    """The entity id the event names, checked against the company's data."""
    if not isinstance(raw, str) or not raw:
        raise refuse("entity_id must name the document, e.g. Invoice/100001, SO/000001, 10000.")
    kind = CATALOGUE[event][0].name
    master = company.master
    if kind == "supplier_invoice":
        document_type, _, number = raw.partition("/")
        found = (document_type, number) in company.invoices
    elif kind == "sales_order":
        order_type, _, order_id = raw.partition("/")
        found = (
            order_type.upper(),
            order_id,
        ) in company.orders or event == Event.SALESORDER_DELETED
    elif kind == "customer":
        found = master.customer(raw) is not None
    elif kind == "supplier":
        found = master.supplier(raw) is not None
    else:
        found = master.item(raw) is not None
    if not found:
        raise refuse(f"The company has no {kind.replace('_', ' ')} {raw}.", 404)
    return raw


# -- delivery ------------------------------------------------------------------------------------


async def flush(call: Call, app: SandboxApp) -> Reply:
    """Deliver every queued notification now and answer when they have all been attempted."""
    body(call, set())
    delivered = await app.sandbox.dispatcher.drain()
    return json_reply(200, {"delivered": delivered})


async def replay(call: Call, app: SandboxApp) -> Reply:
    """The same notification once more (same body, notification id and signature), as a
    dispatcher retry would send it."""
    body(call, set())
    raw = call.params["delivery_id"]
    entry = await app.sandbox.dispatcher.replay(int(raw)) if raw.isdigit() else None
    if entry is None:
        raise refuse(f"No delivery {raw} to replay (see GET /_sandbox/webhooks).", 404)
    return json_reply(200, entry)


# -- Statuspage ----------------------------------------------------------------------------------


async def statuspage_event(call: Call, app: SandboxApp) -> Reply:
    """Post a Statuspage webhook to ``url``; the page (and its summary.json) changes with it
    unless ``apply_to_summary`` is false, so a test can send a hint the summary contradicts."""
    data = body(
        call,
        {
            "url",
            "kind",
            "component_id",
            "incident_id",
            "status",
            "component_status",
            "impact",
            "name",
            "body",
            "scheduled_for",
            "scheduled_until",
            "apply_to_summary",
        },
        {"url", "kind"},
    )
    try:
        url = check_notification_url(data["url"]) if isinstance(data["url"], str) else None
    except ValueError as error:
        raise refuse(f"url: {error}.") from None
    if url is None:
        raise refuse("url must be an http(s) URL.")
    kind = data["kind"]
    if kind not in KINDS:
        raise refuse(f"kind must be one of: {', '.join(KINDS)}.")
    params = _statuspage_params(data, kind)
    apply = data.get("apply_to_summary", True)
    if not isinstance(apply, bool):
        raise refuse("apply_to_summary must be true or false.")
    sandbox = app.sandbox
    with sandbox.lock:
        page = sandbox.statuspage if apply else sandbox.statuspage.copy()
        try:
            payload = page.apply(kind, params, sandbox.clock.utcnow(), call.base_url)
        except StatusPageError as error:
            raise refuse(str(error)) from None
    headers = {"Content-Type": "application/json", "User-Agent": STATUSPAGE_USER_AGENT}
    meta = {"mode": "statuspage", "event_id": kind, "applied_to_summary": apply}
    entry = await sandbox.dispatcher.send(Delivery(url, encode(payload), headers, meta))
    return json_reply(200, {"delivery": entry, "payload": payload})


def _statuspage_params(data: dict[str, Any], kind: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for name in ("component_id", "incident_id", "name", "body"):
        if data.get(name) is not None:
            if not isinstance(data[name], str) or not data[name]:
                raise refuse(f"{name} must be a non-empty string.")
            params[name] = data[name]
    allowed = {
        "status": COMPONENT_STATUSES if kind.startswith("component") else OPEN_STATUSES,
        "component_status": COMPONENT_STATUSES,
        "impact": IMPACTS,
    }
    for name, values in allowed.items():
        if data.get(name) is not None:
            if data[name] not in values:
                raise refuse(f"{name} must be one of: {', '.join(values)}.")
            params[name] = data[name]
    for name in ("scheduled_for", "scheduled_until"):
        if data.get(name) is not None:
            params[name] = moment(data, name)
    if (
        isinstance(params.get("scheduled_for"), datetime)
        and isinstance(params.get("scheduled_until"), datetime)
        and params["scheduled_until"] <= params["scheduled_for"]
    ):
        raise refuse("scheduled_until must be after scheduled_for.")
    return params


def feedback(call: Call, app: SandboxApp) -> Reply:
    return json_reply(200, app.sandbox.feedback.entries())
