"""What ``ErpClient`` and ``AsyncErpClient`` share: checked settings, facts, ``with_options``.

The request pipelines themselves are in ``_async/client.py`` (the source) and ``_sync/client.py``
(generated from it); see docs/erpclient.md, "One source for sync and async".
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Self
from urllib.parse import urlsplit

import httpx

from ._auth import Credentials, TokenAttempt
from ._core import ClientSettings, SharedState
from ._version import __version__
from .config import (
    CONNECT_PATH,
    DEFAULT_CONNECT_TIMEOUT_SECONDS,
    DEFAULT_TIMEOUT_SECONDS,
    TOKEN_FAMILY,
    Service,
)
from .priority import Priority
from .ratelimit import RateLimitInfo
from .recording import CallRecord
from .retry import RetryPolicy

USER_AGENT = f"vismanet-isv-portal-erpclient/{__version__} (+httpx/{httpx.__version__})"
DEFAULT_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "application/json",
    "Accept-Encoding": "br, gzip, deflate",
}
# Room for a fan-out of 50 concurrent calls without reopening connections.
DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100)


def _clean_url(name: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{name} must be an absolute http(s) URL, got {url!r}")
    return url.rstrip("/")


def _required(name: str, value: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} is required")
    return value.strip()


def _timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if timeout is None:
        return httpx.Timeout(DEFAULT_TIMEOUT_SECONDS, connect=DEFAULT_CONNECT_TIMEOUT_SECONDS)
    if timeout <= 0:
        raise ValueError("timeout must be a positive number of seconds")
    return httpx.Timeout(timeout, connect=min(timeout, DEFAULT_CONNECT_TIMEOUT_SECONDS))


class ClientBase:
    """Configuration, shared state and ``with_options`` for both clients."""

    _settings: ClientSettings
    _state: SharedState
    _owns_http: bool

    def _configure(
        self,
        *,
        client_id: str,
        client_secret: str,
        tenant_id: str,
        connect_url: str,
        erp_url: str,
        salesorder_url: str,
        company_id: str | int | None,
        priority: Priority,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        retry_after_cap: float,
        erp_scopes: tuple[str, ...],
        salesorder_scopes: tuple[str, ...],
    ) -> Credentials:
        if not isinstance(priority, Priority):
            raise ValueError(f"priority must be a Priority, got {priority!r}")
        if not erp_scopes or not salesorder_scopes:
            raise ValueError("erp_scopes and salesorder_scopes must not be empty")
        company = str(company_id).strip() if company_id is not None else None
        self._settings = ClientSettings(
            client_id=_required("client_id", client_id),
            tenant_id=_required("tenant_id", tenant_id),
            connect_url=_clean_url("connect_url", connect_url),
            erp_url=_clean_url("erp_url", erp_url),
            salesorder_url=_clean_url("salesorder_url", salesorder_url),
            company_id=company or None,
            priority=priority,
            timeout=_timeout(timeout),
            retry=RetryPolicy(max_retries=max_retries, retry_after_cap=retry_after_cap),
            scopes={Service.ERP: tuple(erp_scopes), Service.SALESORDER: tuple(salesorder_scopes)},
        )
        self._state = SharedState(self._settings.company_id)
        self._owns_http = True
        return Credentials(
            connect_url=self._settings.connect_url,
            client_id=self._settings.client_id,
            client_secret=_required("client_secret", client_secret),
            tenant_id=self._settings.tenant_id,
        )

    # --- public facts ---------------------------------------------------------------------------

    @property
    def client_id(self) -> str:
        return self._settings.client_id

    @property
    def tenant_id(self) -> str:
        return self._settings.tenant_id

    @property
    def company_id(self) -> str | None:
        """The ERP company id, as configured or learnt from ``context.get()``."""
        return self._settings.company_id or self._state.company_id

    @property
    def priority(self) -> Priority:
        return self._settings.priority

    @property
    def erp_url(self) -> str:
        return self._settings.erp_url

    @property
    def last_ratelimit(self) -> RateLimitInfo | None:
        """The rate-limit figures of the latest ERP response seen by this client."""
        return self._state.last_ratelimit

    def with_options(
        self,
        *,
        priority: Priority | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        retry_after_cap: float | None = None,
    ) -> Self:
        """A light copy with other per-call options, sharing the connection pool, tokens, budget
        guard and recorder. Closing the copy does not close the shared pool."""
        if priority is not None and not isinstance(priority, Priority):
            raise ValueError(f"priority must be a Priority, got {priority!r}")
        settings = self._settings
        retry = settings.retry
        if max_retries is not None:
            retry = replace(retry, max_retries=max_retries)
        if retry_after_cap is not None:
            retry = replace(retry, retry_after_cap=retry_after_cap)
        clone = copy.copy(self)
        clone._settings = replace(
            settings,
            priority=priority or settings.priority,
            timeout=settings.timeout if timeout is None else _timeout(timeout),
            retry=retry,
        )
        clone._owns_http = False
        clone._bind_resources()
        return clone

    def _bind_resources(self) -> None:
        raise NotImplementedError

    def _learn_company(self, company_id: int | str | None) -> None:
        if company_id is not None and not self._settings.company_id:
            self._state.company_id = str(company_id)

    def _token_record(self, attempt: TokenAttempt) -> CallRecord:
        error = attempt.error
        return CallRecord(
            tenant_id=self._settings.tenant_id,
            client_id=self._settings.client_id,
            company_id=self.company_id,
            priority=self._settings.priority,
            method="POST",
            path_template=CONNECT_PATH,
            endpoint_family=TOKEN_FAMILY,
            status=attempt.status,
            duration_ms=attempt.duration_ms,
            fault_code=None,
            error_kind=error.kind if error else None,
            ratelimit=attempt.ratelimit,
            retry_after=error.retry_after if error else None,
            request_id=attempt.request_id,
            attempt=attempt.attempt,
            started_at=attempt.started_at,
        )
