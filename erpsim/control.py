"""``/_sandbox/``: the control API for tests, benchmarks and the demo (JSON in, JSON out).

Bad input gets 400 ``{"error": ...}`` and changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from erpsim.armed_errors import ArmedError, known
from erpsim.call import Call
from erpsim.config import RUNTIME_SETTINGS
from erpsim.control_input import body, refuse, tenant_of, text
from erpsim.faults import FAULT_FIELDS, LOST_ANSWER_MODES, LostAnswer, parse_fault_config
from erpsim.loopback import check_notification_url
from erpsim.replies import Reply, json_reply
from erpsim.scenarios import Scenario
from erpsim.state import Client, Tenant
from erpsim.world import ALL_SCOPES

if TYPE_CHECKING:
    from erpsim.app import SandboxApp


def _scenario(value: Any) -> Scenario:
    try:
        return Scenario.parse(value)
    except ValueError as error:
        raise refuse(str(error)) from None


def _url(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise refuse(f"{name} must be an http(s) URL or null.")
    try:
        return check_notification_url(value)
    except ValueError as error:
        raise refuse(f"{name}: {error}.") from None


# -- handlers ----------------------------------------------------------------------------------


def health(call: Call, app: SandboxApp) -> Reply:
    options = app.sandbox.options
    return json_reply(200, {"status": "ok", "world": options.world, "seed": options.seed})


def reset(call: Call, app: SandboxApp) -> Reply:
    body(call, set())
    app.sandbox.reset()
    return json_reply(200, {"status": "reset"})


def list_clients(call: Call, app: SandboxApp) -> Reply:
    options = app.sandbox.options
    return json_reply(200, [c.public(options) for c in app.sandbox.clients.values()])


def add_client(call: Call, app: SandboxApp) -> Reply:
    data = body(
        call,
        {
            "client_id",
            "client_secret",
            "type",
            "scopes",
            "webhook_url",
            "webhook_secret",
            "name",
            "hourly_limit",
        },
        {"client_id", "client_secret"},
    )
    client_id = text(data, "client_id")
    secret = text(data, "client_secret")
    kind = data.get("type", "test")
    if kind not in ("test", "production"):
        raise refuse("type must be 'test' or 'production'.")
    scopes = data.get("scopes", list(ALL_SCOPES))
    if not isinstance(scopes, list) or not all(isinstance(s, str) and s for s in scopes):
        raise refuse("scopes must be a list of scope names.")
    limit = data.get("hourly_limit")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise refuse("hourly_limit must be a whole number of 0 or more.")
    webhook_secret = data.get("webhook_secret", f"sandbox-webhook-key-{client_id}")
    if not isinstance(webhook_secret, str):
        raise refuse("webhook_secret must be a string.")
    assert client_id is not None and secret is not None
    client = Client(
        client_id=client_id,
        client_secret=secret,
        type=kind,
        scopes=frozenset(scopes),
        name=str(data.get("name") or client_id),
        webhook_url=_url(data.get("webhook_url"), "webhook_url"),
        webhook_secret=webhook_secret,
        hourly_limit=limit,
    )
    app.sandbox.add_client(client)
    return json_reply(201, client.public(app.sandbox.options))


def list_tenants(call: Call, app: SandboxApp) -> Reply:
    return json_reply(200, [t.public() for t in app.sandbox.tenants.values()])


def add_tenant(call: Call, app: SandboxApp) -> Reply:
    data = body(
        call,
        {
            "tenant_id",
            "client_ids",
            "company_id",
            "name",
            "scenario",
            "country",
            "customer_name",
            "customer_tenant_id",
            "with_demo_documents",
        },
        {"tenant_id", "company_id"},
    )
    tenant_id = text(data, "tenant_id")
    company_id = data["company_id"]
    if isinstance(company_id, bool) or not isinstance(company_id, int) or company_id <= 0:
        raise refuse("company_id must be a positive whole number.")
    scenario = _scenario(data.get("scenario", Scenario.HEALTHY))
    client_ids = data.get("client_ids", [])
    if not isinstance(client_ids, list) or not all(isinstance(c, str) for c in client_ids):
        raise refuse("client_ids must be a list of client ids.")
    unknown = sorted(set(client_ids) - set(app.sandbox.clients))
    if unknown:
        raise refuse(f"Unknown client(s): {', '.join(unknown)}. Register them first.")
    country = data.get("country", "NO")
    if country not in ("NO", "SE", "DK", "FI"):
        raise refuse("country must be NO, SE, DK or FI.")
    assert tenant_id is not None
    tenant = Tenant(
        tenant_id=tenant_id,
        company_id=company_id,
        name=text(data, "name", optional=True) or f"Company {company_id}",
        scenario=scenario,
        client_ids=set(client_ids),
        country=country,
        customer_name=str(data.get("customer_name") or ""),
        customer_tenant_id=text(data, "customer_tenant_id", optional=True),
    )
    app.sandbox.add_tenant(tenant, with_documents=bool(data.get("with_demo_documents", False)))
    return json_reply(201, tenant.public())


def set_scenario(call: Call, app: SandboxApp) -> Reply:
    data = body(call, {"scenario"}, {"scenario"})
    scenario = _scenario(data["scenario"])
    with app.sandbox.lock:
        tenant = tenant_of(app, call.params["tenant_id"])
        tenant.scenario = scenario
    return json_reply(200, tenant.public())


def get_faults(call: Call, app: SandboxApp) -> Reply:
    sandbox = app.sandbox
    return json_reply(
        200,
        {
            "global": sandbox.global_faults.as_dict(),
            "tenants": {
                t.tenant_id: t.faults.as_dict() for t in sandbox.tenants.values() if t.faults
            },
        },
    )


def lost_answers(call: Call, app: SandboxApp) -> Reply:
    return json_reply(200, app.sandbox.lost_answers.armed())


def lose_next_answer(call: Call, app: SandboxApp) -> Reply:
    """Arm a lost answer: the next matching ERP request runs, but its caller hears nothing."""
    data = body(call, {"method", "path", "tenant_id", "mode", "hold_seconds"})
    method = str(data.get("method", "POST")).upper()
    if method not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        raise refuse("method must be GET, POST, PUT, PATCH or DELETE.")
    path = data.get("path", "/api/v3/SalesOrders")
    if not isinstance(path, str) or not path.startswith("/") or "?" in path:
        raise refuse("path must be a request path such as /api/v3/SalesOrders (no query).")
    mode = data.get("mode", "reset")
    if mode not in LOST_ANSWER_MODES:
        raise refuse(f"mode must be one of: {', '.join(LOST_ANSWER_MODES)}.")
    hold = data.get("hold_seconds", app.sandbox.options.timeout_seconds)
    if isinstance(hold, bool) or not isinstance(hold, int | float) or not 0 <= hold <= 600:
        raise refuse("hold_seconds must be a number from 0 to 600.")
    tenant_id = data.get("tenant_id")
    if tenant_id is not None:
        tenant_id = tenant_of(app, str(tenant_id)).tenant_id.lower()
    lost = LostAnswer(method, path.lower().rstrip("/"), tenant_id, mode, float(hold))
    app.sandbox.lost_answers.arm(lost)
    return json_reply(201, lost.as_dict())


def armed_errors(call: Call, app: SandboxApp) -> Reply:
    return json_reply(200, app.sandbox.armed_errors.armed())


def arm_error(call: Call, app: SandboxApp) -> Reply:
    """Arm an error: the next matching ERP request answers with it (see erpsim.armed_errors)."""
    data = body(call, {"method", "path", "tenant_id", "error", "property", "value"})
    method = str(data.get("method", "POST")).upper()
    if method not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        raise refuse("method must be GET, POST, PUT, PATCH or DELETE.")
    path = data.get("path", "/api/v3/SalesOrders")
    if not isinstance(path, str) or not path.startswith("/") or "?" in path:
        raise refuse("path must be a request path such as /api/v3/SalesOrders (no query).")
    error = data.get("error")
    if not isinstance(error, str) or not known(error):
        raise refuse(
            "error must be v3:<a code of the spec's x-visma-erp-error-codes>, vat_id_not_found, "
            "manual_numbering, override_number_series or conflict."
        )
    values = {}
    for name in ("property", "value"):
        raw = data.get(name, "")
        if not isinstance(raw, str) or len(raw) > 200:
            raise refuse(f"{name} must be a text of at most 200 characters.")
        values[name] = raw
    tenant_id = data.get("tenant_id")
    if tenant_id is not None:
        tenant_id = tenant_of(app, str(tenant_id)).tenant_id.lower()
    armed = ArmedError(method, path.lower().rstrip("/"), tenant_id, error, **values)
    app.sandbox.armed_errors.arm(armed)
    return json_reply(201, armed.as_dict())


def set_faults(call: Call, app: SandboxApp) -> Reply:
    data = body(call, {"tenant_id", *FAULT_FIELDS})
    try:
        config = parse_fault_config(data)
    except ValueError as error:
        raise refuse(str(error)) from None
    tenant_id = data.get("tenant_id")
    with app.sandbox.lock:
        if tenant_id is None:
            app.sandbox.global_faults = config
            return json_reply(200, {"global": config.as_dict()})
        tenant = tenant_of(app, str(tenant_id))
        tenant.faults = config
    return json_reply(200, {"tenant_id": tenant.tenant_id, **config.as_dict()})


def get_settings(call: Call, app: SandboxApp) -> Reply:
    options = app.sandbox.options
    return json_reply(200, {name: getattr(options, name) for name in RUNTIME_SETTINGS})


def set_settings(call: Call, app: SandboxApp) -> Reply:
    """Change run-time settings; ``background_delay`` applies to requests accepted from now on."""
    data = body(call, set(RUNTIME_SETTINGS))
    delay = data.get("background_delay")
    if delay is not None and (
        isinstance(delay, bool) or not isinstance(delay, int | float) or not 0 <= delay <= 86_400
    ):
        raise refuse("background_delay must be a number of seconds from 0 to 86400.")
    if delay is not None:
        app.sandbox.options.background_delay = float(delay)
    return get_settings(call, app)


def get_clock(call: Call, app: SandboxApp) -> Reply:
    clock = app.sandbox.clock
    return json_reply(200, {"now": clock.utcnow().isoformat(), "offset_seconds": clock.offset})


async def advance_clock(call: Call, app: SandboxApp) -> Reply:
    data = body(call, {"advance_seconds"}, {"advance_seconds"})
    seconds = data["advance_seconds"]
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
        raise refuse(
            "advance_seconds must be a number of 0 or more (the clock only moves forward)."
        )
    app.sandbox.clock.advance(float(seconds))
    # Background work that is now due runs before we answer, so tests see its result at once.
    await app.background.run_due()
    return get_clock(call, app)


def requests(call: Call, app: SandboxApp) -> Reply:
    entries = app.sandbox.requests.entries()
    tenant_id = call.arg("tenant_id")
    if tenant_id:
        entries = [e for e in entries if (e.get("tenant_id") or "").lower() == tenant_id.lower()]
    since = call.arg("since")
    if since:
        if not since.isdigit():
            raise refuse("since must be a sequence number.")
        entries = [e for e in entries if e["seq"] > int(since)]
    limit = call.arg("limit")
    if limit:
        if not limit.isdigit():
            raise refuse("limit must be a whole number.")
        entries = entries[-int(limit) :] if int(limit) else []
    return json_reply(200, entries)


def get_usage(call: Call, app: SandboxApp) -> Reply:
    sandbox = app.sandbox
    rows = []
    for (client_id, company_id), used in sorted(sandbox.budget.usage().items()):
        client = sandbox.clients.get(client_id)
        limit = client.budget(sandbox.options) if client else None
        rows.append(
            {"client_id": client_id, "company_id": company_id, "used": used, "limit": limit}
        )
    return json_reply(200, rows)


def set_usage(call: Call, app: SandboxApp) -> Reply:
    data = body(call, {"tenant_id", "client_id", "used"}, {"tenant_id", "client_id", "used"})
    used = data["used"]
    if isinstance(used, bool) or not isinstance(used, int) or used < 0:
        raise refuse("used must be a whole number of 0 or more.")
    sandbox = app.sandbox
    tenant = tenant_of(app, str(data["tenant_id"]))
    client = sandbox.clients.get(str(data["client_id"]))
    if client is None:
        raise refuse(f"No client {data['client_id']}.", 404)
    key = (client.client_id, tenant.company_id)
    sandbox.budget.set_used(key, used)
    verdict = sandbox.budget.peek(key, client.budget(sandbox.options))
    return json_reply(
        200,
        {
            "client_id": client.client_id,
            "company_id": tenant.company_id,
            "used": used,
            "limit": verdict.limit,
            "remaining": verdict.remaining,
            "reset_seconds": verdict.reset_seconds,
        },
    )


def background_operations(call: Call, app: SandboxApp) -> Reply:
    rows = []
    for op in app.sandbox.background.all():
        rows.append(
            {
                **op.state_document(op.base_url),
                "method": op.method,
                "path": op.path,
                "client_id": op.client_id,
                "tenant_id": op.tenant_id,
                "company_id": op.company_id,
                "expired": op.expired,
            }
        )
    return json_reply(200, rows)


def webhooks(call: Call, app: SandboxApp) -> Reply:
    return json_reply(200, app.sandbox.webhooks.entries())
