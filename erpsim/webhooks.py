"""Outbound notifications, imitating the Visma Webhook Dispatcher: signed POSTs to webhook
subscriptions (and to legacy Background URLs and Statuspage subscribers), every attempt recorded.

Signature (DOCS setup-webhooks, operations-facts C4): base64 HMAC-SHA256 of the raw UTF-8 body
with the subscription's key, in ``X-VWD-Signature-V1`` (configurable). The dispatcher's metadata
headers follow operations-facts C5; their exact set for ERP publishers is not confirmed.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx

from erpsim.demo_documents import iso
from erpsim.events import CATALOGUE, Event, Occurrence, Subscription

if TYPE_CHECKING:
    from erpsim.state import Sandbox

USER_AGENT = "erpsim-webhook-dispatcher/1"
APPLICATION_VERSION = "1"
# How many notifications are in flight at once while a queue drains.
PARALLEL_DELIVERIES = 8


def sign(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def epoch_ms(seconds: float) -> str:
    return str(int(seconds * 1000))


@dataclass(frozen=True)
class Delivery:
    """One POST: the exact bytes, the headers (but the send time), and what the log shows."""

    url: str | None
    body: bytes
    headers: dict[str, str]
    meta: dict[str, Any] = field(default_factory=dict)


class WebhookLog:
    """Every attempt, in order; each keeps its delivery so it can be sent again (replay)."""

    def __init__(self) -> None:
        self._entries: list[dict[str, Any]] = []
        self._deliveries: dict[int, Delivery] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, entry: dict[str, Any], delivery: Delivery | None = None) -> dict[str, Any]:
        with self._lock:
            entry["delivery_id"] = next(self._ids)
            self._entries.append(entry)
            if delivery is not None:
                self._deliveries[entry["delivery_id"]] = delivery
            return dict(entry)

    def delivery(self, delivery_id: int) -> Delivery | None:
        with self._lock:
            return self._deliveries.get(delivery_id)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._entries]

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()
            self._deliveries.clear()
            self._ids = itertools.count(1)


class Dispatcher:
    """Turns occurrences into signed notifications per subscription and delivers them."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox
        self._queue: deque[Delivery] = deque()
        self._drain_lock: asyncio.Lock | None = None
        self._client: httpx.AsyncClient | None = None

    # -- building ------------------------------------------------------------------------------

    def subscribers(
        self, event: Event, company_id: int, client_id: str | None = None
    ) -> list[tuple[Subscription, str]]:
        """(subscription, tenant id) pairs that hear ``event`` in the company: subscriptions of
        the clients the company approved (or of ``client_id`` alone)."""
        sandbox = self._sandbox
        tenant = sandbox.tenant_of_company(company_id)
        if tenant is None:
            return []
        found = []
        for subscription in sandbox.all_subscriptions():
            if client_id is not None and subscription.client_id != client_id:
                continue
            if tenant.approves(subscription.client_id) and subscription.wants(event, company_id):
                found.append((subscription, tenant.tenant_id))
        return found

    def notification(
        self,
        occurrence: Occurrence,
        subscription: Subscription,
        tenant_id: str,
        *,
        extra_headers: tuple[tuple[str, str], ...] = (),
        mode: str = "event",
    ) -> Delivery:
        sandbox = self._sandbox
        kind, action = CATALOGUE[occurrence.event]
        # Not from the seeded ids: a notification id never repeats, not even after a restart,
        # since a receiver's inbox (the portal's, under `make run`) outlives the sandbox and takes
        # a repeated id for a copy of a notification it already has (docs/sandbox.md).
        notification_id = str(uuid.uuid4())
        payload: dict[str, Any] = {
            "notificationId": notification_id,
            "eventId": occurrence.event.value,
            "contextId": occurrence.company_id,
            "tenantId": tenant_id,
            "apiClientId": occurrence.actor_client_id,
            "connectId": None,
            "isScheduler": False,
            "action": action,
            "entityId": occurrence.entity_id,
            "resourceUri": occurrence.resource_uri,
            "timestamp": iso(_utc(occurrence.at)),
            **occurrence.extra,
        }
        body = encode(payload)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            **dict(extra_headers),
            "X-VWD-Application-Id": subscription.client_id,
            "X-VWD-Application-Version": APPLICATION_VERSION,
            "X-VWD-Event-Id": occurrence.event.value,
            "X-VWD-Group-Id": kind.publisher,
            "X-VWD-Notification-Id": notification_id,
            "X-VWD-Notification-Timestamp": epoch_ms(occurrence.at),
            "X-VWD-Subscription-Id": subscription.id,
            "X-VWD-Tenant-Id": tenant_id,
            sandbox.options.signature_header: sign(subscription.keys[0], body),
        }
        meta = {
            "mode": mode,
            "event_id": occurrence.event.value,
            "notification_id": notification_id,
            "subscription_id": subscription.id,
            "client_id": subscription.client_id,
            "tenant_id": tenant_id,
            "company_id": occurrence.company_id,
            "entity_id": occurrence.entity_id,
        }
        return Delivery(subscription.url, body, headers, meta)

    def publish(self, occurrence: Occurrence) -> list[str]:
        """Queue a notification for each subscriber; returns their notification ids."""
        ids = []
        for subscription, tenant_id in self.subscribers(occurrence.event, occurrence.company_id):
            delivery = self.notification(occurrence, subscription, tenant_id)
            self._queue.append(delivery)
            ids.append(delivery.meta["notification_id"])
        return ids

    @property
    def pending(self) -> int:
        return len(self._queue)

    def clear(self) -> None:
        self._queue.clear()

    # -- sending -------------------------------------------------------------------------------

    async def drain(self) -> int:
        """Deliver everything queued, a few at a time; returns how many went out.

        A second caller waits for the first to finish, so when ``drain`` returns, everything
        queued before the call has been attempted.
        """
        if self._drain_lock is None:
            self._drain_lock = asyncio.Lock()
        sent = 0
        async with self._drain_lock:
            while self._queue:
                batch = [
                    self._queue.popleft() for _ in range(min(PARALLEL_DELIVERIES, len(self._queue)))
                ]
                await asyncio.gather(*(self.send(d) for d in batch))
                sent += len(batch)
        return sent

    async def send(self, delivery: Delivery, **meta: Any) -> dict[str, Any]:
        """POST one delivery now (never raises); the attempt goes into the webhook log.

        An attempt still in flight when the sandbox is reset (the background runner drains the
        queue on its own) belongs to the world before the reset: the new world's log does not
        show it, and its ``delivery_id`` is None.
        """
        sandbox = self._sandbox
        generation = sandbox.generation
        headers = dict(delivery.headers)
        if "X-VWD-Notification-Id" in headers:
            headers["X-VWD-Webhook-Timestamp"] = epoch_ms(sandbox.clock.now())
        entry: dict[str, Any] = {
            "url": delivery.url,
            "headers": headers,
            "body": json.loads(delivery.body),
            "status": None,
            "error": None,
            **delivery.meta,
            **meta,
            "time": sandbox.clock.utcnow().isoformat(),
        }
        if delivery.url is None:
            entry["error"] = meta.get("error") or delivery.meta.get("error")
            return self._record(entry, delivery, generation)
        try:
            response = await self._http().post(delivery.url, content=delivery.body, headers=headers)
            entry["status"] = response.status_code
            if not 200 <= response.status_code < 300:
                entry["error"] = f"HTTP {response.status_code}"
        except httpx.HTTPError as error:
            entry["error"] = f"{type(error).__name__}: {error}"
        return self._record(entry, delivery, generation)

    def _record(self, entry: dict[str, Any], delivery: Delivery, generation: int) -> dict[str, Any]:
        if generation != self._sandbox.generation:
            return dict(entry, delivery_id=None)
        return self._sandbox.webhooks.add(entry, delivery)

    async def replay(self, delivery_id: int) -> dict[str, Any] | None:
        """The same notification again: same body, same notification id and signature."""
        delivery = self._sandbox.webhooks.delivery(delivery_id)
        if delivery is None:
            return None
        return await self.send(delivery, replay_of=delivery_id)

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=self._sandbox.options.webhook_timeout, follow_redirects=False
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)
