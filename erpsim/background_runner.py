"""Queue a Financials call for the Background API, run it when due, and notify the caller.

A runner task checks every 50 ms; ``POST /_sandbox/clock`` also runs whatever became due by the
virtual clock before it answers, so tests never sleep.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from erpsim import errors
from erpsim.background import HEADER as BACKGROUND_HEADER
from erpsim.background import (
    BackgroundHeaderError,
    BackgroundOperation,
    parse_background_header,
    state_location,
)
from erpsim.call import FINANCIALS, Call
from erpsim.errors import ApiError
from erpsim.events import Event, Occurrence
from erpsim.refusals import error_text
from erpsim.replies import Reply, json_reply
from erpsim.state import Sandbox
from erpsim.webhooks import USER_AGENT, Delivery, encode, sign

log = logging.getLogger("erpsim")

CHECK_INTERVAL = 0.05
# Replays one stored request through the normal handlers and returns the handler's reply.
Replay = Callable[[Call], Awaitable[Reply]]


def wants_background(call: Call) -> str | None:
    """The header value when this call should be queued, else None."""
    value = call.header(BACKGROUND_HEADER)
    # The Background API fronts the Financials API; polling its own state is never queued.
    if value is None or call.api != FINANCIALS or call.path.lower().startswith("/v1/background"):
        return None
    return value


def accept(sandbox: Sandbox, call: Call, header_value: str) -> Reply:
    """202 ``{id, stateLocation}`` with ``Location``; a bad header value is 400."""
    try:
        notification = parse_background_header(header_value)
    except BackgroundHeaderError as error:
        raise ApiError(errors.ipp_exception(400, str(error), sandbox.ids.guid())) from error
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


class BackgroundRunner:
    def __init__(self, sandbox: Sandbox, replay: Replay) -> None:
        self._sandbox = sandbox
        self._replay = replay

    async def run_forever(self) -> None:
        while True:
            await asyncio.sleep(CHECK_INTERVAL)
            try:
                await self.run_due()
            except Exception:
                log.exception("background runner failed; it keeps going")

    async def run_due(self) -> None:
        """Run every operation whose time has come (by the virtual clock), notify callers, and
        deliver the ERP events waiting in the dispatcher's queue."""
        sandbox = self._sandbox
        generation = sandbox.generation
        now = sandbox.clock.now()
        sandbox.background.expire(now, sandbox.options.background_retention)
        finished = []
        for operation in sandbox.background.claim_due(now):
            # What was claimed before a reset belongs to the world before it.
            if sandbox.generation != generation:
                return
            await self._execute(operation)
            finished.append(operation)
        if finished and sandbox.generation == generation:
            await asyncio.gather(*(self._notify(operation) for operation in finished))
        await sandbox.dispatcher.drain()

    async def _execute(self, operation: BackgroundOperation) -> None:
        sandbox = self._sandbox
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
            generation=sandbox.generation,
        )
        call.client = sandbox.clients.get(operation.client_id)
        call.tenant = sandbox.tenant(operation.tenant_id)
        call.company = sandbox.companies.get(operation.company_id)
        reply = await self._replay(call)
        operation.finished = sandbox.clock.now()
        operation.status_code = reply.status
        operation.status = "Finished" if reply.status < 400 else "Failed"
        operation.response_body = reply.body
        operation.response_content_type = reply.content_type
        operation.response_headers = dict(reply.headers)
        operation.reference = reply.header("Location")
        if reply.status >= 400:
            operation.error_message = error_text(reply)
        operation.running = False

    async def _notify(self, operation: BackgroundOperation) -> None:
        """URL mode: the legacy POST to that URL. Subscription mode: ``BACKGROUND_API_RESPONSE``
        to each of the client's subscriptions that hear it, with the caller's name=value pairs
        as headers (operations-facts C2)."""
        sandbox = self._sandbox
        notification = operation.notification
        if notification.mode == "none":
            return
        state = state_location(operation.base_url, operation.id)
        result: dict[str, Any] = {"id": operation.id, "statusCode": operation.status_code}
        result["stateLocation"] = state
        if operation.response_body:
            result["contentLocation"] = f"{state}/content"
        meta = {"operation_id": operation.id, "mode": notification.mode}
        if notification.mode == "url":
            client = sandbox.clients.get(operation.client_id)
            body = encode(result)
            headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
            headers.update(dict(notification.custom_headers))
            headers[sandbox.options.signature_header] = sign(
                client.webhook_secret if client else "", body
            )
            meta["client_id"] = operation.client_id
            await sandbox.dispatcher.send(Delivery(notification.url, body, headers, meta))
            return
        occurrence = Occurrence(
            event=Event.BACKGROUND_API_RESPONSE,
            company_id=operation.company_id,
            entity_id=operation.id,
            actor_client_id=operation.client_id,
            base_url=operation.base_url,
            at=operation.finished or sandbox.clock.now(),
            extra={"resourceUri": state, "action": operation.status, **result},
        )
        dispatcher = sandbox.dispatcher
        subscribers = dispatcher.subscribers(
            Event.BACKGROUND_API_RESPONSE, operation.company_id, operation.client_id
        )
        for subscription, tenant_id in subscribers:
            delivery = dispatcher.notification(
                occurrence,
                subscription,
                tenant_id,
                extra_headers=notification.custom_headers,
                mode="subscription",
            )
            await dispatcher.send(delivery, **meta)
        if not subscribers:
            payload = {"eventId": Event.BACKGROUND_API_RESPONSE.value, **result}
            await dispatcher.send(
                Delivery(None, encode(payload), {}, {**meta, "client_id": operation.client_id}),
                error="The client has no webhook subscription for BACKGROUND_API_RESPONSE",
            )
