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
from collections.abc import Callable
from typing import Any

from erpsim import access, background_runner, refusals
from erpsim.call import CONNECT, CONTROL, FINANCIALS, SALESORDERS, STATUSPAGE, Call
from erpsim.compression import compress
from erpsim.config import SandboxOptions
from erpsim.errors import ApiError
from erpsim.events import Occurrence
from erpsim.faults import abort_connection
from erpsim.loopback import host_allowed
from erpsim.recorder import mask_body, mask_headers
from erpsim.replies import Reply, send_reply
from erpsim.routes import build_router
from erpsim.routing import MethodNotAllowed
from erpsim.scenarios import Scenario
from erpsim.state import Sandbox
from erpsim.throttle import Verdict
from erpsim.tokens import TokenError, TokenExpired

log = logging.getLogger("erpsim")

REQUEST_ID_HEADER = "X-Request-Id"
ERP_APIS = (FINANCIALS, SALESORDERS)
SAFE_METHODS = frozenset({"GET", "HEAD"})


class BodyTooLarge(Exception):
    pass


class ClientGone(Exception):
    pass


class SandboxApp:
    def __init__(self, options: SandboxOptions | None = None) -> None:
        self.sandbox = Sandbox(options or SandboxOptions())
        self._extra_hosts = frozenset(h.lower() for h in self.sandbox.options.allowed_hosts)
        self.router = build_router(self.sandbox.options)
        self.background = background_runner.BackgroundRunner(self.sandbox, self._replay)
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
                self._runner = asyncio.create_task(self.background.run_forever())
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._runner is not None:
                    self._runner.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await self._runner
                await self.sandbox.dispatcher.close()
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
            generation=sandbox.generation,
        )
        if not host_allowed(headers.get("host"), self._extra_hosts):
            return self._finish(call, refusals.wrong_host(call))
        wrong_method: MethodNotAllowed | None = None
        try:
            match = self.router.match(call.method, path)
        except MethodNotAllowed as refusal:
            match, wrong_method = None, refusal
        # Uploads have their own, larger limit; every other body the gateway's.
        limit = (match and match.route.max_body) or sandbox.options.max_body_bytes
        try:
            call.body = await _read_body(receive, headers, limit)
        except BodyTooLarge:
            return self._finish(call, refusals.too_large(call, limit))
        except ClientGone:
            return None
        if wrong_method is not None:
            call.api = wrong_method.api
            return self._finish(call, refusals.method_not_allowed(call, wrong_method.allowed))
        if match is None:
            return self._finish(call, refusals.not_found(call))
        call.api = match.route.api
        call.params = match.params
        if call.api == CONTROL and call.method not in SAFE_METHODS and not _is_json(call):
            # A browser sends application/json cross-site only after a CORS preflight, which the
            # sandbox never grants: a page on another site cannot reset or steer it.
            return self._finish(call, refusals.not_json(call))
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
            self._refuse_if_reset_since(call)
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
                raise ApiError(refusals.gateway_timeout(call))
            if fault in ("error", "reset"):
                raise ApiError(refusals.server_error(call))
            self._refuse_if_reset_since(call)  # while it waited out its latency
            access.check(call)
            armed = sandbox.armed_errors.take(call.method, call.path, call.tenant.tenant_id)
            if armed is not None:
                raise ApiError(armed.reply(sandbox.ids.guid(), call.request_id))
            background = background_runner.wants_background(call)
            if background is not None:
                reply = background_runner.accept(sandbox, call, background)
            else:
                reply = await self._run_handler(call, handler)
            lost = sandbox.lost_answers.take(call.method, call.path, call.tenant.tenant_id)
            if lost is not None:
                # The work is done (the order exists, the background operation is queued); only
                # the answer goes missing.
                fault = f"lost_answer_{lost.mode}"
                if lost.mode == "reset" and abort_connection(send):
                    self._record(call, None, fault=fault, latency=latency)
                    return None
                await asyncio.sleep(lost.hold_seconds)
                raise ApiError(refusals.gateway_timeout(call))
        except ApiError as error:
            reply = error.reply
            if not rate_headers and reply.status != 429 and self._same_world(call):
                rate_headers = self._budget_headers(call)
        if identity and reply.status >= 400 and reply.status != 429 and self._same_world(call):
            sandbox.failed_request.record(identity)
        reply.headers.extend(rate_headers)
        return self._finish(call, reply, fault=fault, latency=latency)

    def _authenticate(self, call: Call) -> None:
        sandbox = self.sandbox
        authorization = call.header("authorization") or ""
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(refusals.unauthorized(call, "No bearer token was sent"))
        expired = None
        try:
            claims = sandbox.tokens.verify(token.strip())
        except TokenExpired as error:
            claims, expired = error.claims, error
        except TokenError as error:
            raise ApiError(refusals.unauthorized(call, str(error))) from error
        # Whose call it is is settled before any refusal, so refusals can show that budget too.
        call.claims = claims
        call.client = sandbox.clients.get(claims.client_id)
        call.tenant = sandbox.tenant(claims.tenant_id)
        if call.tenant is not None:
            call.company = sandbox.companies.get(call.tenant.company_id)
        if expired is not None:
            raise ApiError(refusals.unauthorized(call, str(expired)))
        if call.client is None:
            raise ApiError(refusals.unauthorized(call, "The client no longer exists"))
        if not claims.tenant_id:
            raise ApiError(
                refusals.no_company(call, "The token carries no tenant_id, so no company is set.")
            )
        if call.tenant is None or call.tenant.scenario == Scenario.CUSTOMER_TENANT:
            # DOCS how-tos/fix401error: a customer tenant id authenticates at Visma Connect but
            # the ERP refuses it; only a company tenant id maps to a company.
            raise ApiError(
                refusals.unauthorized(
                    call, "The tenant is not a company tenant (customer tenant id?)"
                )
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
                raise ApiError(refusals.too_many(call, refusal))
        verdict = sandbox.budget.take(key, limit)
        if not verdict.allowed:
            raise ApiError(refusals.too_many(call, verdict))
        sandbox.same_request.record(identity)
        return verdict

    async def _replay(self, call: Call) -> Reply:
        """Run a stored Background API request through its handler (no gateway steps again)."""
        try:
            match = self.router.match(call.method, call.path)
        except MethodNotAllowed as refusal:
            return refusals.method_not_allowed(call, refusal.allowed)
        if match is None or call.client is None or call.company is None:
            return refusals.not_found(call)
        call.params = match.params
        return await self._run_handler(call, match.route.handler)

    # -- plumbing --------------------------------------------------------------------------

    async def _run_handler(self, call: Call, handler: Callable[..., Any]) -> Reply:
        try:
            result = handler(call, self)
            if inspect.isawaitable(result):
                result = await result
        except ApiError as error:
            return error.reply
        except Exception:
            log.exception("handler failed for %s %s", call.method, call.path)
            return refusals.server_error(call)
        if result.status < 400:
            self._publish(call)
        return result

    def _publish(self, call: Call) -> None:
        """Tell subscribers what the call changed (events the handler recorded on the call)."""
        recorded = call.extra.get("events")
        if not recorded or call.company is None:
            return
        actor = call.client.client_id if call.client is not None and call.api != CONTROL else None
        for event, entity_id, extra in recorded:
            self.sandbox.publish(
                Occurrence(
                    event=event,
                    company_id=call.company.company_id,
                    entity_id=entity_id,
                    actor_client_id=actor,
                    base_url=call.base_url,
                    at=self.sandbox.clock.now(),
                    extra=extra,
                )
            )

    def _finish(
        self,
        call: Call,
        reply: Reply,
        *,
        fault: str | None = None,
        latency: int = 0,
    ) -> Reply:
        reply.headers.append((REQUEST_ID_HEADER, call.request_id))
        compress(reply, call.header("accept-encoding"))
        # The request log is for what callers send to the imitated services, not for the controls.
        if call.api != CONTROL:
            self._record(call, reply, fault=fault, latency=latency)
        return reply

    def _same_world(self, call: Call) -> bool:
        """False once the sandbox was reset after the call arrived."""
        return call.generation == self.sandbox.generation

    def _refuse_if_reset_since(self, call: Call) -> None:
        """A request that arrived before a reset never runs in the new world (its caller, a
        test that has ended, is gone)."""
        if not self._same_world(call):
            raise ApiError(refusals.server_error(call))

    def _record(self, call: Call, reply: Reply | None, *, fault: str | None, latency: int) -> None:
        if not self._same_world(call):
            return
        sandbox = self.sandbox
        entry = {
            "time": sandbox.clock.utcnow().isoformat(),
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


def _is_json(call: Call) -> bool:
    return call.content_type == "application/json"


def _api_of(path: str) -> str:
    lowered = path.lower()
    if lowered.startswith("/api/v3/"):
        return SALESORDERS
    if lowered.startswith("/_sandbox"):
        return CONTROL
    if lowered.startswith("/api/v2/"):
        return STATUSPAGE
    if lowered.startswith(("/connect/", "/.well-known/")):
        return CONNECT
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
