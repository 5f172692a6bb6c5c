"""Visma Connect tokens (client_credentials with ``tenant_id``): the request and its reading.

The providers that cache and refresh them are in ``_async/token_provider.py`` and its sync twin.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from . import errors
from ._error_mapping import TOKEN_CLASSES, request_id_of, token_error_from_response
from ._reply import Reply, reply_of
from .config import CONNECT_PATH, Service
from .ratelimit import RateLimitInfo
from .retry import RetryPolicy
from .tokens import Token, TokenRefusal, token_key

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


class TokenProviderBase:
    def __init__(
        self,
        *,
        credentials: Credentials,
        scopes: Mapping[Service, tuple[str, ...]],
        margin_seconds: float,
        retry: RetryPolicy,
        timeout: httpx.Timeout,
        refusal_seconds: float,
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
        if refusal_seconds < 0:
            raise ValueError("token_refusal_seconds must be 0 (off) or more")
        self.refusal_seconds = refusal_seconds

    def refusal_of(self, error: errors.ErpError) -> TokenRefusal | None:
        """What to remember of a refused token request: Visma Connect's verdict on these
        credentials (a wrong secret, a tenant that has not approved the app, scopes it may not
        have), never a throttle, an outage or an unreadable answer."""
        if self.refusal_seconds <= 0 or not isinstance(error, tuple(TOKEN_CLASSES.values())):
            return None
        return TokenRefusal.of(
            error.error or error.kind,
            error.message,
            error.status,
            self.credentials.client_secret,
            self.refusal_seconds,
        )

    def refused(self, refusal: TokenRefusal | None) -> errors.TokenError | None:
        """The error to raise, without asking Visma Connect, while ``refusal`` holds."""
        if refusal is None or not refusal.applies_to(self.credentials.client_secret):
            return None
        error_class = TOKEN_CLASSES.get(refusal.error, errors.TokenError)
        return error_class(
            f"{refusal.description} (Visma Connect refused these credentials at "
            f"{refusal.refused_at:%H:%M:%S} UTC; not asked again before {refusal.until:%H:%M:%S} "
            "UTC unless a fresh token is asked for)",
            error=refusal.error,
            status=refusal.status,
            method="POST",
            path=CONNECT_PATH,
        )

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
