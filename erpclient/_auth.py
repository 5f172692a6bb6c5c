"""Visma Connect tokens (client_credentials with ``tenant_id``), one refresh in flight per key."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from . import errors
from ._error_mapping import request_id_of, token_error_from_response
from ._reply import Reply, reply_of
from .config import CONNECT_PATH, Service
from .ratelimit import RateLimitInfo
from .retry import RetryPolicy
from .tokens import AsyncTokenStore, Token, TokenStore, token_key

DEFAULT_EXPIRES_IN = 3600


@dataclass(frozen=True, slots=True)
class Credentials:
    connect_url: str
    client_id: str
    client_secret: str
    tenant_id: str

    def __repr__(self) -> str:
        return f"Credentials(client_id={self.client_id!r}, tenant_id={self.tenant_id!r})"


@dataclass(frozen=True, slots=True)
class TokenAttempt:
    """What the recorder hears about one token request (no secret, no token)."""

    status: int | None
    duration_ms: float
    error: errors.ErpError | None
    ratelimit: RateLimitInfo | None
    request_id: str | None
    attempt: int
    started_at: datetime


def token_request(
    http: httpx.Client | httpx.AsyncClient,
    credentials: Credentials,
    scopes: tuple[str, ...],
    timeout: httpx.Timeout,
) -> httpx.Request:
    form = {
        "grant_type": "client_credentials",
        "client_id": credentials.client_id,
        "client_secret": credentials.client_secret,
        "tenant_id": credentials.tenant_id,
        "scope": " ".join(scopes),
    }
    return http.build_request(
        "POST",
        credentials.connect_url.rstrip("/") + CONNECT_PATH,
        data=form,
        headers={"Accept": "application/json"},
        timeout=timeout,
    )


def read_token_response(response: Reply, scopes: tuple[str, ...]) -> Token:
    """A ``Token`` from a 2xx answer, or raise the typed token error."""
    ratelimit = response.ratelimit
    if not response.is_success:
        raise token_error_from_response(response, path=CONNECT_PATH)
    try:
        data = json.loads(response.content)
        access_token = data["access_token"]
    except (ValueError, KeyError, TypeError):
        raise errors.TokenError(
            "Visma Connect answered without an access token",
            status=response.status_code,
            method="POST",
            path=CONNECT_PATH,
            ratelimit=ratelimit,
        ) from None
    try:
        expires_in = float(data.get("expires_in", DEFAULT_EXPIRES_IN))
    except (TypeError, ValueError):
        expires_in = DEFAULT_EXPIRES_IN
    granted = data.get("scope")
    token_scopes = frozenset(granted.split()) if isinstance(granted, str) else frozenset(scopes)
    return Token(
        access_token=str(access_token),
        expires_at=datetime.now(UTC) + timedelta(seconds=expires_in),
        scopes=token_scopes,
    )


def error_for_exception(exc: httpx.TransportError, method: str, path: str) -> errors.ErpError:
    """Our error for an httpx transport failure (no response)."""
    error_class = errors.ErpTimeout if isinstance(exc, httpx.TimeoutException) else None
    error_class = error_class or errors.ErpConnectionError
    detail = str(exc) or type(exc).__name__
    return error_class(detail, method=method, path=path)


class _TokenProviderBase:
    def __init__(
        self,
        *,
        credentials: Credentials,
        scopes: Mapping[Service, tuple[str, ...]],
        margin_seconds: float,
        retry: RetryPolicy,
        timeout: httpx.Timeout,
    ) -> None:
        self.credentials = credentials
        self.scopes = dict(scopes)
        self.keys = {
            service: token_key(
                credentials.connect_url, credentials.client_id, credentials.tenant_id, wanted
            )
            for service, wanted in self.scopes.items()
        }
        self.margin_seconds = margin_seconds
        self.retry = retry
        self.timeout = timeout

    def _outcome(
        self,
        response: httpx.Response | None,
        exc: httpx.TransportError | None,
        scopes: tuple[str, ...],
        attempt: int,
        started_at: datetime,
        started: float,
    ) -> tuple[Token | None, errors.ErpError | None, TokenAttempt]:
        duration_ms = (time.perf_counter() - started) * 1000.0
        token: Token | None = None
        error: errors.ErpError | None = None
        ratelimit = None
        request_id = None
        if response is not None:
            reply = reply_of(response)
            ratelimit = reply.ratelimit
            request_id = request_id_of(reply.headers)
            try:
                token = read_token_response(reply, scopes)
            except errors.ErpError as failure:
                error = failure
        else:
            assert exc is not None
            error = error_for_exception(exc, "POST", CONNECT_PATH)
        record = TokenAttempt(
            status=response.status_code if response is not None else None,
            duration_ms=duration_ms,
            error=error,
            ratelimit=ratelimit,
            request_id=request_id,
            attempt=attempt,
            started_at=started_at,
        )
        return token, error, record


class TokenProvider(_TokenProviderBase):
    """Sync: cached tokens from the store, renewed ``margin_seconds`` before expiry."""

    def __init__(
        self,
        *,
        http: httpx.Client,
        store: TokenStore,
        sleep: Callable[[float], None],
        record: Callable[[TokenAttempt], None],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._http = http
        self.store = store
        self._sleep = sleep
        self._record = record

    def token(self, service: Service, *, force: bool = False) -> Token:
        key = self.keys[service]
        token = None if force else self.store.get(key)
        if token is not None and token.usable(self.margin_seconds):
            return token
        with self.store.lock(key):
            # Someone else may have refreshed it while we waited for the lock.
            token = None if force else self.store.get(key)
            if token is not None and token.usable(self.margin_seconds):
                return token
            token = self._fetch(self.scopes[service])
            self.store.set(key, token)
            return token

    def forget(self, service: Service, token: Token) -> None:
        key = self.keys[service]
        current = self.store.get(key)
        if current is not None and current.access_token == token.access_token:
            self.store.delete(key)

    def _fetch(self, scopes: tuple[str, ...]) -> Token:
        attempt = 0
        while True:
            attempt += 1
            request = token_request(self._http, self.credentials, scopes, self.timeout)
            started_at, started = datetime.now(UTC), time.perf_counter()
            response = exc = None
            try:
                response = self._http.send(request)
            except httpx.TransportError as failure:
                exc = failure
            token, error, record = self._outcome(
                response, exc, scopes, attempt, started_at, started
            )
            self._record(record)
            if token is not None:
                return token
            assert error is not None
            delay = self.retry.delay(error, attempt=attempt, idempotent=True)
            if delay is None:
                raise error
            self._sleep(delay)


class AsyncTokenProvider(_TokenProviderBase):
    """Async twin of ``TokenProvider``."""

    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        store: AsyncTokenStore,
        sleep: Callable[[float], Awaitable[None]],
        record: Callable[[TokenAttempt], Awaitable[None]],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._http = http
        self.store = store
        self._sleep = sleep
        self._record = record

    async def token(self, service: Service, *, force: bool = False) -> Token:
        key = self.keys[service]
        token = None if force else await self.store.get(key)
        if token is not None and token.usable(self.margin_seconds):
            return token
        async with self.store.lock(key):
            token = None if force else await self.store.get(key)
            if token is not None and token.usable(self.margin_seconds):
                return token
            token = await self._fetch(self.scopes[service])
            await self.store.set(key, token)
            return token

    async def forget(self, service: Service, token: Token) -> None:
        key = self.keys[service]
        current = await self.store.get(key)
        if current is not None and current.access_token == token.access_token:
            await self.store.delete(key)

    async def _fetch(self, scopes: tuple[str, ...]) -> Token:
        attempt = 0
        while True:
            attempt += 1
            request = token_request(self._http, self.credentials, scopes, self.timeout)
            started_at, started = datetime.now(UTC), time.perf_counter()
            response = exc = None
            try:
                response = await self._http.send(request)
            except httpx.TransportError as failure:
                exc = failure
            token, error, record = self._outcome(
                response, exc, scopes, attempt, started_at, started
            )
            await self._record(record)
            if token is not None:
                return token
            assert error is not None
            delay = self.retry.delay(error, attempt=attempt, idempotent=True)
            if delay is None:
                raise error
            await self._sleep(delay)
