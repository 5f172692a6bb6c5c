"""The ASGI app: one origin for Visma Connect, the Financials API, SalesOrders v3 and /_sandbox.

Order of work for an ERP call, as a gateway in front of the ERP would do it: route, authenticate
the bearer token, apply the repeat rules and the hourly budget, then the tenant's faults and
scenario, then either queue it for the Background API or run the handler.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import inspect
import logging
import time
from collections.abc import Callable
from typing import Any

from erpsim import errors
from erpsim.background import HEADER as BACKGROUND_HEADER
from erpsim.background import (
    BackgroundHeaderError,
    BackgroundOperation,
    parse_background_header,
    state_location,
)
from erpsim.call import Call
from erpsim.config import SandboxOptions
from erpsim.errors import ApiError
from erpsim.faults import abort_connection
from erpsim.recorder import mask_body, mask_headers
from erpsim.replies import Reply, json_reply, send_reply
from erpsim.routes import FINANCIALS, SALESORDERS, build_router
from erpsim.routing import MethodNotAllowed
from erpsim.state import Sandbox
from erpsim.throttle import HOURLY_POLICY, Verdict
from erpsim.tokens import TokenError, TokenExpired
from erpsim.webhooks import deliver

log = logging.getLogger("erpsim")

REQUEST_ID_HEADER = "X-Request-Id"
ERP_APIS = (FINANCIALS, SALESORDERS)
_RUNNER_INTERVAL = 0.05


class BodyTooLarge(Exception):
    pass


class ClientGone(Exception):
    pass


class SandboxApp:
    def __init__(self, options: SandboxOptions | None = None) -> None:
        self.sandbox = Sandbox(options or SandboxOptions())
        self.router = build_router()
        self._runner: asyncio.Task[None] | None = None

    # -- ASGI entry ------------------------------------------------------------------------

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        reply = await self._handle_http(scope, receive, send)
        if reply is not None:
            await send_reply(send, reply)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._runner = asyncio.create_task(self._run_background_forever())
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._runner is not None:
                    self._runner.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await self._runner
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _handle_http(self, scope: dict[str, Any], receive: Any, send: Any) -> Reply | None:
        sandbox = self.sandbox
        headers: dict[str, str] = {}
        for raw_name, raw_value in scope["headers"]:
            name = raw_name.decode("latin-1").lower()
            value = raw_value.decode("latin-1")
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        path = scope["path"]
        call = Call(
            method=scope["method"],
            path=path,
            query_string=scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
            body=b"",
            api=_api_of(path),
            base_url=_origin(scope, headers),
            request_id=sandbox.ids.guid(),
        )
        try:
            call.body = await _read_body(receive, headers, sandbox.options.max_body_bytes)
        except BodyTooLarge:
            return self._finish(call, _too_large(call, sandbox.options.max_body_bytes))
        except ClientGone:
            return None
        try:
            match = self.router.match(call.method, path)
        except MethodNotAllowed as refusal:
            call.api = refusal.api
            return self._finish(call, _method_not_allowed(call, refusal.allowed))
        if match is None:
            return self._finish(call, _not_found(call))
        call.api = match.route.api
        call.params = match.params
        if call.api in ERP_APIS:
            return await self._erp_call(call, match.route.handler, send)
        reply = await self._run_handler(call, match.route.handler)
        return self._finish(call, reply)

    # -- the ERP pipeline ------------------------------------------------------------------

    async def _erp_call(self, call: Call, handler: Callable[..., Any], send: Any) -> Reply | None:
        sandbox = self.sandbox
        rate_headers: list[tuple[str, str]] = []
        fault: str | None = None
        latency = 0
        identity = ""
        try:
            self._authenticate(call)
            identity = _identity(call)
            verdict = self._throttle(call, identity)
            rate_headers = verdict.headers()
            faults = sandbox.faults_for(call.tenant)
            latency = faults.latency_ms
            if latency:
                await asyncio.sleep(latency / 1000)
            fault = sandbox.dice.roll(faults)
            if fault == "reset" and abort_connection(send):
                self._record(call, None, fault=fault, latency=latency)
                return None
            if fault == "timeout":
                await asyncio.sleep(sandbox.options.timeout_seconds)
                raise ApiError(_gateway_timeout(call))
            if fault in ("error", "reset"):
                raise ApiError(_server_error(call))
            self._check_scenario(call)
            background = call.header(BACKGROUND_HEADER)
            if background is not None and _backgroundable(call):
                reply = self._accept_background(call, background)
            else:
                reply = await self._run_handler(call, handler)
        except ApiError as error:
            reply = error.reply
            if not rate_headers and reply.status != 429:
                rate_headers = self._budget_headers(call)
        if identity and reply.status >= 400 and reply.status != 429:
            sandbox.failed_request.record(identity)
        reply.headers.extend(rate_headers)
        return self._finish(call, reply, fault=fault, latency=latency)

    def _authenticate(self, call: Call) -> None:
        sandbox = self.sandbox
        authorization = call.header("authorization") or ""
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(_unauthorized(call, "No bearer token was sent"))
        expired = None
        try:
            claims = sandbox.tokens.verify(token.strip())
        except TokenExpired as error:
            claims, expired = error.claims, error
        except TokenError as error:
            raise ApiError(_unauthorized(call, str(error))) from error
        # Whose call it is is settled before any refusal, so refusals can show that budget too.
        call.claims = claims
        call.client = sandbox.clients.get(claims.client_id)
        call.tenant = sandbox.tenant(claims.tenant_id)
        if call.tenant is not None:
            call.company = sandbox.companies.get(call.tenant.company_id)
        if expired is not None:
            raise ApiError(_unauthorized(call, str(expired)))
        if call.client is None:
            raise ApiError(_unauthorized(call, "The client no longer exists"))
        if not claims.tenant_id:
            raise ApiError(
                _no_company(call, "The token carries no tenant_id, so no company is set.")
            )
        if call.tenant is None or call.tenant.scenario == "customer_tenant":
            # DOCS how-tos/fix401error: a customer tenant id authenticates at Visma Connect but
            # the ERP refuses it; only a company tenant id maps to a company.
            raise ApiError(
                _unauthorized(call, "The tenant is not a company tenant (customer tenant id?)")
            )

    def _budget_headers(self, call: Call) -> list[tuple[str, str]]:
        """The caller's current budget, uncounted, for refusals that came before the count."""
        if call.client is None or call.company is None:
            return []
        key = (call.client.client_id, call.company.company_id)
        return self.sandbox.budget.peek(key, call.client.budget(self.sandbox.options)).headers()

    def _throttle(self, call: Call, identity: str) -> Verdict:
        sandbox = self.sandbox
        assert call.client is not None and call.company is not None
        key = (call.client.client_id, call.company.company_id)
        limit = call.client.budget(sandbox.options)
        for rule in (sandbox.failed_request, sandbox.same_request):
            refusal = rule.check(identity)
            if refusal is not None:
                raise ApiError(_too_many(call, refusal))
        verdict = sandbox.budget.take(key, limit)
        if not verdict.allowed:
            raise ApiError(_too_many(call, verdict))
        sandbox.same_request.record(identity)
        return verdict

    def _check_scenario(self, call: Call) -> None:
        tenant = call.tenant
        assert tenant is not None
        company_header = call.header("ipp-company-id")
        if call.api == FINANCIALS:
            if tenant.scenario == "no_license":
                raise ApiError(self._ipp(400, "No license for this company.", errors.NO_LICENSE))
            if tenant.scenario == "company_context":
                raise ApiError(
                    self._ipp(
                        400, "Invalid parameter exception: ipp-company-id", errors.COMPANY_CONTEXT
                    )
                )
            if company_header is not None and company_header.strip() != str(tenant.company_id):
                raise ApiError(
                    self._ipp(
                        400, "Invalid parameter exception: ipp-company-id", errors.COMPANY_CONTEXT
                    )
                )
            _require_financials_scope(call)
            return
        if tenant.scenario == "no_license":
            raise ApiError(errors.problem(403, "No license for this company."))
        if tenant.scenario == "company_context":
            raise ApiError(errors.problem(403, "The caller is not authorised for this company."))
        needed = (
            "visma.net.erp.salesorder:read"
            if call.method == "GET"
            else ("visma.net.erp.salesorder:write")
        )
        assert call.claims is not None
        if needed not in call.claims.scopes or tenant.scenario == "salesorder_scope_missing":
            raise ApiError(errors.insufficient_scope(needed))

    def _ipp(self, status: int, message: str, code: str = errors.GENERIC_FAULT_CODE) -> Reply:
        return errors.ipp_exception(status, message, self.sandbox.ids.guid(), code)

    # -- Background API ----------------------------------------------------------------------

    def _accept_background(self, call: Call, header_value: str) -> Reply:
        sandbox = self.sandbox
        try:
            notification = parse_background_header(header_value)
        except BackgroundHeaderError as error:
            raise ApiError(self._ipp(400, str(error))) from error
        assert call.claims is not None and call.company is not None and call.tenant is not None
        now = sandbox.clock.now()
        operation = BackgroundOperation(
            id=sandbox.ids.guid(),
            company_id=call.company.company_id,
            client_id=call.claims.client_id,
            tenant_id=call.tenant.tenant_id,
            method=call.method,
            path=call.path,
            query_string=call.query_string,
            headers={k: v for k, v in call.headers.items() if k != BACKGROUND_HEADER},
            body=call.body,
            notification=notification,
            original_uri=call.uri,
            base_url=call.base_url,
            received=now,
            due=now + sandbox.options.background_delay,
        )
        sandbox.background.add(operation)
        call.extra["background_id"] = operation.id
        location = state_location(call.base_url, operation.id)
        return json_reply(
            202, {"id": operation.id, "stateLocation": location}, [("Location", location)]
        )

    async def run_due_background(self) -> None:
        """Run every operation whose time has come (by the virtual clock) and notify callers."""
        sandbox = self.sandbox
        now = sandbox.clock.now()
        sandbox.background.expire(now, sandbox.options.background_retention)
        notifications = []
        for operation in sandbox.background.claim_due(now):
            await self._execute(operation)
            notifications.append(self._notify(operation))
        if notifications:
            await asyncio.gather(*notifications)

    async def _run_background_forever(self) -> None:
        while True:
            await asyncio.sleep(_RUNNER_INTERVAL)
            try:
                await self.run_due_background()
            except Exception:
                log.exception("background runner failed; it keeps going")

    async def _execute(self, operation: BackgroundOperation) -> None:
        sandbox = self.sandbox
        operation.started = sandbox.clock.now()
        call = Call(
            method=operation.method,
            path=operation.path,
            query_string=operation.query_string,
            headers=dict(operation.headers),
            body=operation.body,
            api=FINANCIALS,
            base_url=operation.base_url,
            request_id=sandbox.ids.guid(),
            background=True,
        )
        call.client = sandbox.clients.get(operation.client_id)
        call.tenant = sandbox.tenant(operation.tenant_id)
        call.company = sandbox.companies.get(operation.company_id)
        try:
            match = self.router.match(call.method, call.path)
            if match is None or call.client is None or call.company is None:
                raise ApiError(_not_found(call))
            call.params = match.params
            reply = await self._run_handler(call, match.route.handler)
        except ApiError as error:
            reply = error.reply
        except MethodNotAllowed as refusal:
            reply = _method_not_allowed(call, refusal.allowed)
        operation.finished = sandbox.clock.now()
        operation.status_code = reply.status
        operation.status = "Finished" if reply.status < 400 else "Failed"
        operation.response_body = reply.body
        operation.response_content_type = reply.content_type
        operation.response_headers = {
            k: v for k, v in reply.headers if k.lower() != "content-length"
        }
        operation.reference = reply.header("Location")
        if reply.status >= 400:
            operation.error_message = _error_text(reply)
        operation.running = False

    async def _notify(self, operation: BackgroundOperation) -> None:
        sandbox = self.sandbox
        notification = operation.notification
        if notification.mode == "none":
            return
        client = sandbox.clients.get(operation.client_id)
        payload: dict[str, Any] = {
            "id": operation.id,
            "statusCode": operation.status_code,
            "stateLocation": state_location(operation.base_url, operation.id),
        }
        if operation.response_body:
            payload["contentLocation"] = f"{payload['stateLocation']}/content"
        url = notification.url
        if notification.mode == "subscription":
            url = client.webhook_url if client else None
            payload = {
                "notificationId": sandbox.ids.guid(),
                "eventId": "BACKGROUND_API_RESPONSE",
                "contextId": operation.company_id,
                "tenantId": operation.tenant_id,
                "apiClientId": operation.client_id,
                "resourceUri": payload["stateLocation"],
                "action": operation.status,
                **payload,
            }
        record: dict[str, Any]
        if not url:
            record = {
                "url": None,
                "headers": {},
                "body": payload,
                "status": None,
                "error": "The client has no webhook subscription for BACKGROUND_API_RESPONSE",
            }
        else:
            record = await deliver(
                url=url,
                payload=payload,
                secret=client.webhook_secret if client else "",
                signature_header=sandbox.options.signature_header,
                extra_headers=notification.custom_headers,
                timeout=sandbox.options.webhook_timeout,
            )
        record.update(
            {
                "operation_id": operation.id,
                "mode": notification.mode,
                "client_id": operation.client_id,
                "time": _iso(sandbox.clock.now()),
            }
        )
        sandbox.webhooks.add(record)

    # -- plumbing --------------------------------------------------------------------------

    async def _run_handler(self, call: Call, handler: Callable[..., Any]) -> Reply:
        try:
            result = handler(call, self)
            if inspect.isawaitable(result):
                result = await result
            return result
        except ApiError as error:
            return error.reply
        except Exception:
            log.exception("handler failed for %s %s", call.method, call.path)
            return _server_error(call)

    def _finish(
        self,
        call: Call,
        reply: Reply,
        *,
        fault: str | None = None,
        latency: int = 0,
    ) -> Reply:
        reply.headers.append((REQUEST_ID_HEADER, call.request_id))
        # The request log is for what callers send to the imitated services, not for the controls.
        if call.api != "control":
            self._record(call, reply, fault=fault, latency=latency)
        return reply

    def _record(self, call: Call, reply: Reply | None, *, fault: str | None, latency: int) -> None:
        sandbox = self.sandbox
        entry = {
            "time": _iso(sandbox.clock.now()),
            "request_id": call.request_id,
            "api": call.api,
            "method": call.method,
            "path": call.path,
            "query": call.query_string,
            "headers": mask_headers(call.headers),
            "body": mask_body(call.body, call.content_type),
            "status": reply.status if reply is not None else None,
            "client_id": call.client.client_id if call.client else None,
            "tenant_id": call.claims.tenant_id
            if call.claims
            else (call.tenant.tenant_id if call.tenant else None),
            "company_id": call.company.company_id if call.company else None,
            "fault": fault,
            "latency_ms": latency,
        }
        if "background_id" in call.extra:
            entry["background_id"] = call.extra["background_id"]
        if reply is not None:
            entry["response_headers"] = dict(reply.headers)
        sandbox.requests.add(entry)


def _require_financials_scope(call: Call) -> None:
    assert call.claims is not None
    scopes = call.claims.scopes
    if call.method == "GET":
        wanted = ("vismanet_erp_service_api:read",)
    elif call.method == "DELETE":
        wanted = ("vismanet_erp_service_api:delete",)
    else:
        wanted = ("vismanet_erp_service_api:create", "vismanet_erp_service_api:update")
    if not any(scope in scopes for scope in wanted):
        raise ApiError(
            json_reply(
                403,
                {"Message": f"The access token lacks the scope {' or '.join(wanted)}."},
                [("WWW-Authenticate", f'Bearer error="insufficient_scope", scope="{wanted[0]}"')],
            )
        )


def _backgroundable(call: Call) -> bool:
    # The Background API fronts the Financials API; polling its own state is never queued.
    return call.api == FINANCIALS and not call.path.lower().startswith("/v1/background")


def _identity(call: Call) -> str:
    """What makes two requests "the same request" for the repeat rules.

    Method, path, query and body, plus If-Match: a retry with a fresh ETag is a new request.
    """
    assert call.client is not None and call.company is not None
    digest = hashlib.sha1(call.body, usedforsecurity=False).hexdigest() if call.body else ""
    return (
        f"{call.client.client_id}|{call.company.company_id}|{call.method}|"
        f"{call.path.lower()}|{call.query_string}|{digest}|{call.headers.get('if-match', '')}"
    )


def _api_of(path: str) -> str:
    lowered = path.lower()
    if lowered.startswith("/api/v3/"):
        return SALESORDERS
    if lowered.startswith("/_sandbox"):
        return "control"
    if lowered.startswith(("/connect/", "/.well-known/")):
        return "connect"
    return FINANCIALS


def _origin(scope: dict[str, Any], headers: dict[str, str]) -> str:
    scheme = scope.get("scheme", "http")
    host = headers.get("host")
    if not host:
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scheme}://{host}"


async def _read_body(receive: Any, headers: dict[str, str], limit: int) -> bytes:
    declared = headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def _iso(moment: float) -> str:
    return (
        time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(moment)) + f".{int(moment % 1 * 1000):03d}Z"
    )


def _error_text(reply: Reply) -> str:
    try:
        body = reply.json()
    except ValueError:
        return reply.body.decode("utf-8", errors="replace")[:500]
    if isinstance(body, dict):
        for key in ("ExceptionMessage", "Message", "detail", "title", "message"):
            if body.get(key):
                return str(body[key])
    return f"HTTP {reply.status}"


# -- error replies in each API's shape ---------------------------------------------------------


def _unauthorized(call: Call, why: str) -> Reply:
    if call.api == SALESORDERS:
        return errors.salesorders_unauthorized(why)
    return errors.financials_unauthorized(why)


def _no_company(call: Call, why: str) -> Reply:
    if call.api == SALESORDERS:
        return errors.salesorders_unauthorized(why)
    return errors.ipp_exception(400, why, call.request_id, errors.COMPANY_CONTEXT)


def _too_many(call: Call, refusal: Verdict) -> Reply:
    headers = refusal.headers()
    if refusal.policy == HOURLY_POLICY:
        # The hourly window is enforced by the API gateway; its body is the gateway's default.
        reply = json_reply(429, {"statusCode": 429, "message": refusal.message})
    elif call.api == SALESORDERS:
        reply = errors.problem(429, refusal.message)
    else:
        reply = errors.ipp_exception(429, refusal.message, call.request_id)
    reply.headers.extend(headers)
    return reply


def _server_error(call: Call) -> Reply:
    if call.api == "connect":
        return errors.oauth_error("server_error", status=500)
    if call.api == "control":
        return json_reply(500, {"error": "The sandbox failed; see its log."})
    if call.api == SALESORDERS:
        return errors.problem(500, "An unexpected error occurred.")
    message = errors.visma_id_message(call.request_id, "An error has occurred.")
    return errors.ipp_exception(500, message, call.request_id)


def _gateway_timeout(call: Call) -> Reply:
    return json_reply(504, {"statusCode": 504, "message": "The backend did not answer in time."})


def _too_large(call: Call, limit: int) -> Reply:
    text = f"The request body exceeds the limit of {limit} bytes."
    if call.api == SALESORDERS:
        reply = errors.problem(413, text)
    elif call.api == "connect":
        reply = errors.oauth_error("invalid_request", text, status=413)
    elif call.api == "control":
        reply = json_reply(413, {"error": text})
    else:
        reply = errors.ipp_exception(413, text, call.request_id)
    reply.headers.append(("Connection", "close"))
    return reply


def _not_found(call: Call) -> Reply:
    if call.api == SALESORDERS:
        return errors.problem(404)
    if call.api == "control":
        return json_reply(404, {"error": f"No sandbox control endpoint at {call.path}"})
    if call.api == "connect":
        return json_reply(404, {"error": "not_found"})
    return json_reply(
        404, {"Message": f"No HTTP resource was found that matches the request URI '{call.uri}'."}
    )


def _method_not_allowed(call: Call, allowed: list[str]) -> Reply:
    headers = [("Allow", ", ".join(allowed))]
    if call.api == SALESORDERS:
        reply = errors.problem(405)
    elif call.api == "control" or call.api == "connect":
        reply = json_reply(405, {"error": f"{call.method} is not allowed here"})
    else:
        reply = json_reply(
            405,
            {"Message": f"The requested resource does not support http method '{call.method}'."},
        )
    reply.headers.extend(headers)
    return reply
