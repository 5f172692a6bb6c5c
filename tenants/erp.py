"""``erp_for(tenant)``: the ERP client for one tenant, wired to the portal's shared parts.

It brings the API client's credentials (the secret decrypted only here), the configured ERP URLs,
the usage limiter and recorder (shared budget and the call ledger), the shared token store (one
token refresh in flight per tenant across every process, and Visma Connect's refusals remembered
briefly), the shared repeat guard (so no two processes together send a request the ERP would
punish), and one connection pool per process.
"""

from __future__ import annotations

import threading
from typing import Any

import httpx
from django.conf import settings

from erpclient import ERP_SCOPES, SALESORDER_SCOPES, ErpClient, Priority, token_key
from usage.deferral import BACKGROUND_CLIENT_OPTIONS
from usage.limiter import get_limiter
from usage.recorder import get_recorder

from . import repeat_guard
from .models import ApiClient, Environment, Tenant
from .token_store import get_token_store


class _SharedTransport(httpx.BaseTransport):
    """One connection pool for every client of this process; closing a client leaves it open."""

    def __init__(self) -> None:
        self._transport = httpx.HTTPTransport(
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=100)
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._transport.handle_request(request)

    def close(self) -> None:
        pass


_lock = threading.Lock()
_transport: _SharedTransport | None = None


def _shared_transport() -> _SharedTransport:
    global _transport
    if _transport is None:
        with _lock:
            if _transport is None:
                _transport = _SharedTransport()
    return _transport


def reset_process_state() -> None:
    """Start a repeat-guard history of this process's own (tests reset the sandbox's clock)."""
    repeat_guard.forget_history()


def urls_for(api_client: ApiClient) -> dict[str, str]:
    if api_client.environment == Environment.SANDBOX:
        if not settings.PORTAL_SANDBOX:
            # Never send a real secret to the sandbox's address (see offered_environments).
            raise ValueError(
                f"API client {api_client.name} uses the sandbox ERP, which this portal does not "
                "run with (PORTAL_SANDBOX is off); switch it to the configured Visma URLs."
            )
        base = settings.SANDBOX_URL
        return {"connect_url": base, "erp_url": base, "salesorder_url": base}
    return {
        "connect_url": settings.VISMA_CONNECT_URL,
        "erp_url": settings.ERP_API_URL,
        "salesorder_url": settings.SALESORDER_API_URL,
    }


def scopes_for(api_client: ApiClient) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The (Financials, SalesOrders) scopes to ask for: the client's registered ones of each
    family, or the standard set when it lists none."""
    registered = [scope for scope in api_client.scopes or [] if isinstance(scope, str)]
    erp = tuple(s for s in registered if s.startswith("vismanet_erp_service_api:")) or ERP_SCOPES
    orders = tuple(s for s in registered if s.startswith("visma.net.erp.salesorder:"))
    return erp, orders or SALESORDER_SCOPES


def erp_for(
    tenant: Tenant,
    *,
    priority: Priority = Priority.INTERACTIVE,
    discover_company: bool = False,
    **options: Any,
) -> ErpClient:
    """An ``ErpClient`` for ``tenant``. ``discover_company`` leaves the stored company id out, so
    ``context.get()`` learns it from the token. Extra ``options`` go to ``ErpClient``
    (``timeout``, ``max_retries``, or a ``recorder`` that wraps usage's, e.g. to count calls)."""
    if priority is Priority.BACKGROUND:
        # A worker never sleeps off a hold: the client raises and the task is re-queued with a
        # countdown instead.
        options = {**BACKGROUND_CLIENT_OPTIONS, **options}
    api_client = tenant.api_client
    erp_scopes, salesorder_scopes = scopes_for(api_client)
    return ErpClient(
        client_id=api_client.client_id,
        client_secret=api_client.client_secret.reveal(),
        tenant_id=tenant.tenant_id,
        company_id=None if discover_company else tenant.company_id,
        transport=_shared_transport(),
        limiter=get_limiter(),
        recorder=options.pop("recorder", None) or get_recorder(),
        token_store=get_token_store(),
        repeat_guard=repeat_guard.get_repeat_guard(),
        token_refusal_seconds=settings.TENANTS_TOKEN_REFUSAL_SECONDS,
        priority=priority,
        erp_scopes=erp_scopes,
        **urls_for(api_client),
        salesorder_scopes=salesorder_scopes,
        **options,
    )


def token_keys(tenant: Tenant) -> list[str]:
    """The token-store keys of a tenant's two tokens (Financials and SalesOrders)."""
    api_client = tenant.api_client
    connect_url = urls_for(api_client)["connect_url"]
    return [
        token_key(connect_url, api_client.client_id, tenant.tenant_id, scopes)
        for scopes in scopes_for(api_client)
    ]


def forget_tokens(tenants: list[Tenant]) -> None:
    """Drop cached tokens, e.g. after the client secret changed or before a credentials check."""
    store = get_token_store()
    for tenant in tenants:
        for key in token_keys(tenant):
            store.delete(key)
