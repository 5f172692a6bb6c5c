"""What both clients share: preparing a request and reading its answer, without any I/O."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import httpx

from . import errors
from ._error_mapping import error_from_response, request_id_of
from ._operation import Operation
from ._reply import reply_of
from .background import HEADER as BACKGROUND_HEADER
from .budget import LimitRequest, Priority
from .config import Service
from .ratelimit import RateLimitInfo
from .recording import CallRecord
from .retry import RetryPolicy, is_idempotent
from .tokens import Token

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ClientSettings:
    """Everything a client (or a ``with_options`` copy) was configured with, minus the secret."""

    client_id: str
    tenant_id: str
    connect_url: str
    erp_url: str
    salesorder_url: str
    company_id: str | None
    priority: Priority
    timeout: httpx.Timeout
    retry: RetryPolicy
    scopes: Mapping[Service, tuple[str, ...]]

    def base_url(self, service: Service) -> str:
        return self.erp_url if service is Service.ERP else self.salesorder_url


class SharedState:
    """Mutable facts shared by a client and its ``with_options`` copies."""

    __slots__ = ("company_id", "last_ratelimit")

    def __init__(self, company_id: str | None) -> None:
        self.company_id = company_id
        self.last_ratelimit: RateLimitInfo | None = None


@dataclass(frozen=True, slots=True)
class Prepared(Generic[T]):
    """An operation turned into wire form once, reused by every attempt."""

    op: Operation[T]
    url: str
    headers: dict[str, str]
    content: bytes | None
    files: dict[str, tuple[str, bytes, str]] | None
    repeat_key: str
    limit_request: LimitRequest
    idempotent: bool
    company_id: str | None


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return [_query_value(item) for item in value]
    return value


def prepare(op: Operation[T], settings: ClientSettings, state: SharedState) -> Prepared[T]:
    url = settings.base_url(op.service) + op.path
    if op.params:
        query = {key: _query_value(v) for key, v in op.params.items() if v is not None}
        if query:
            url = f"{url}?{httpx.QueryParams(query)}"
    headers: dict[str, str] = {}
    company_id = settings.company_id or state.company_id
    if company_id and op.service is Service.ERP:
        headers["ipp-company-id"] = company_id
    if op.if_match is not None:
        headers["If-Match"] = op.if_match
    if op.background is not None:
        headers[BACKGROUND_HEADER] = op.background.header_value
    content = None
    files = None
    digest = ""
    if op.json is not None:
        content = json.dumps(op.json, separators=(",", ":"), ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json"
        digest = hashlib.blake2b(content, digest_size=12).hexdigest()
    elif op.upload is not None:
        upload = op.upload
        files = {"file": (upload.filename, bytes(upload.content), upload.content_type)}
        digest = hashlib.blake2b(
            upload.filename.encode() + b"\0" + bytes(upload.content), digest_size=12
        ).hexdigest()
    repeat_key = "|".join(
        (
            settings.client_id,
            settings.tenant_id,
            op.method,
            url,
            op.if_match or "",
            op.background.header_value if op.background else "",
            digest,
        )
    )
    return Prepared(
        op=op,
        url=url,
        headers=headers,
        content=content,
        files=files,
        repeat_key=repeat_key,
        limit_request=LimitRequest(
            client_id=settings.client_id,
            tenant_id=settings.tenant_id,
            company_id=company_id,
            priority=settings.priority,
            method=op.method,
            path_template=op.path_template,
        ),
        idempotent=is_idempotent(
            op.method, has_if_match=op.if_match is not None, marked=op.idempotent
        ),
        company_id=company_id,
    )


def build_request(
    http: httpx.Client | httpx.AsyncClient,
    prepared: Prepared[Any],
    token: Token,
    timeout: httpx.Timeout,
) -> httpx.Request:
    headers = prepared.headers.copy()
    headers["Authorization"] = "Bearer " + token.access_token
    return http.build_request(
        prepared.op.method,
        prepared.url,
        headers=headers,
        content=prepared.content,
        files=prepared.files,
        timeout=timeout,
    )


@dataclass(slots=True)
class Outcome(Generic[T]):
    result: T | None
    error: errors.ErpError | None
    status: int | None
    ratelimit: RateLimitInfo | None
    request_id: str | None


def read_response(
    prepared: Prepared[T], response: httpx.Response, token: Token, needed: tuple[str, ...]
) -> Outcome[T]:
    reply = reply_of(response)
    ratelimit = reply.ratelimit
    request_id = request_id_of(reply.headers)
    op = prepared.op
    if reply.is_success:
        try:
            result = op.parse(reply)
            return Outcome(result, None, reply.status_code, ratelimit, request_id)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            error: errors.ErpError = errors.UnexpectedResponse(
                f"could not read the {reply.status_code} answer: {exc}",
                status=reply.status_code,
                method=op.method,
                path=op.path,
                request_id=request_id,
                ratelimit=ratelimit,
            )
            return Outcome(None, error, reply.status_code, ratelimit, request_id)
    error = error_from_response(
        reply,
        method=op.method,
        path=op.path,
        token_scopes=token.scopes,
        needed_scopes=needed,
    )
    return Outcome(None, error, reply.status_code, ratelimit, request_id)


def counts_as_failed(error: errors.ErpError) -> bool:
    """Whether the ERP's "same request failed already" rule counts this answer.

    Which answers it counts is not published; the client counts every error answer except 429
    (the throttle's own), 5xx included, because a wrong guess the other way costs a 429 and budget.
    Connection failures got no answer and are not counted."""
    status = error.status
    return status is not None and status >= 400 and status != 429


def call_record(
    settings: ClientSettings,
    prepared: Prepared[Any],
    outcome: Outcome[Any],
    *,
    duration_ms: float,
    attempt: int,
    started_at: datetime,
) -> CallRecord:
    error = outcome.error
    op = prepared.op
    return CallRecord(
        tenant_id=settings.tenant_id,
        client_id=settings.client_id,
        company_id=prepared.company_id,
        priority=settings.priority,
        method=op.method,
        path_template=op.path_template,
        endpoint_family=op.family,
        status=outcome.status,
        duration_ms=duration_ms,
        fault_code=error.fault_code if error else None,
        error_kind=error.kind if error else None,
        ratelimit=outcome.ratelimit,
        retry_after=error.retry_after if error else None,
        request_id=outcome.request_id,
        attempt=attempt,
        started_at=started_at,
    )
