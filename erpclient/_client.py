"""``ErpClient`` and ``AsyncErpClient``: one httpx client each, tokens, budget guard, retries."""

from __future__ import annotations

import asyncio
import copy
import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Self, TypeVar, cast
from urllib.parse import urlsplit

import httpx

from . import errors
from ._admission import limiter_step, repeat_step
from ._auth import (
    AsyncTokenProvider,
    Credentials,
    TokenAttempt,
    TokenProvider,
    error_for_exception,
)
from ._core import (
    ClientSettings,
    Outcome,
    Prepared,
    SharedState,
    build_request,
    call_record,
    counts_as_failed,
    prepare,
    read_response,
)
from ._operation import Operation
from ._version import __version__
from .budget import AsyncLimiter, AsyncLimiterAdapter, InMemoryLimiter, Limiter, Priority
from .config import (
    CONNECT_PATH,
    DEFAULT_CONNECT_TIMEOUT_SECONDS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_RETRY_AFTER_CAP_SECONDS,
    DEFAULT_TIMEOUT_SECONDS,
    ERP_SCOPES,
    PRODUCTION_CONNECT_URL,
    PRODUCTION_ERP_URL,
    PRODUCTION_SALESORDER_URL,
    SALESORDER_SCOPES,
    TOKEN_RENEW_MARGIN_SECONDS,
    Service,
)
from .ratelimit import RateLimitInfo
from .recording import AsyncRecorder, AsyncRecorderAdapter, CallRecord, InMemoryRecorder, Recorder
from .repeat_guard import InMemoryRepeatGuard, RepeatGuard
from .resources import background as background_resource
from .resources import context as context_resource
from .resources import customers as customers_resource
from .resources import inventory as inventory_resource
from .resources import sales_orders as sales_orders_resource
from .resources import supplier_invoices as supplier_invoices_resource
from .retry import RetryPolicy
from .tokens import (
    AsyncInMemoryTokenStore,
    AsyncTokenStore,
    AsyncTokenStoreAdapter,
    InMemoryTokenStore,
    Token,
    TokenStore,
)

logger = logging.getLogger("erpclient")

T = TypeVar("T")

USER_AGENT = f"vismanet-isv-portal-erpclient/{__version__} (+httpx/{httpx.__version__})"
DEFAULT_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "application/json",
    "Accept-Encoding": "br, gzip, deflate",
}
# Room for a fan-out of 50 concurrent calls without reopening connections.
DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100)
_CONNECT_FAMILY = "token"


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


class _ClientBase:
    """Configuration, shared state and ``with_options`` for both clients."""

    _settings: ClientSettings
    _state: SharedState
    _owns_http: bool
    _guard: RepeatGuard

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
        settings = self._settings
        retry = settings.retry
        if max_retries is not None or retry_after_cap is not None:
            retry = RetryPolicy(
                max_retries=retry.max_retries if max_retries is None else max_retries,
                retry_after_cap=(
                    retry.retry_after_cap if retry_after_cap is None else retry_after_cap
                ),
                backoff_initial=retry.backoff_initial,
                backoff_max=retry.backoff_max,
                jitter=retry.jitter,
                random=retry.random,
            )
        if priority is not None and not isinstance(priority, Priority):
            raise ValueError(f"priority must be a Priority, got {priority!r}")
        clone = copy.copy(self)
        clone._settings = ClientSettings(
            client_id=settings.client_id,
            tenant_id=settings.tenant_id,
            connect_url=settings.connect_url,
            erp_url=settings.erp_url,
            salesorder_url=settings.salesorder_url,
            company_id=settings.company_id,
            priority=priority or settings.priority,
            timeout=settings.timeout if timeout is None else _timeout(timeout),
            retry=retry,
            scopes=settings.scopes,
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
            endpoint_family=_CONNECT_FAMILY,
            status=attempt.status,
            duration_ms=attempt.duration_ms,
            fault_code=None,
            error_kind=error.kind if error else None,
            ratelimit=attempt.ratelimit,
            retry_after=error.retry_after if isinstance(error, errors.RateLimited) else None,
            request_id=attempt.request_id,
            attempt=attempt.attempt,
            started_at=attempt.started_at,
        )

    def _retry_blocked(self, prepared: Prepared[Any]) -> bool:
        """A retry the repeat guard would refuse is not worth waiting for: the caller gets the
        ERP's own error instead of a refusal."""
        verdict = self._guard.check(prepared.repeat_key)
        return verdict is not None and (
            verdict.refused or verdict.wait_seconds > self._settings.retry.retry_after_cap
        )

    def _note_outcome(self, prepared: Prepared[Any], outcome: Outcome[Any]) -> None:
        if outcome.ratelimit is not None:
            self._state.last_ratelimit = outcome.ratelimit
        error = outcome.error
        if error is not None and counts_as_failed(error):
            self._guard.failed(prepared.repeat_key, f"{error.status} {type(error).__name__}")


def _limiter_learning(limiter: object, recorder: object) -> Callable[[CallRecord], Any] | None:
    """The limiter's own ``record``, if it has one: a limiter that learns from call records (like
    ``InMemoryLimiter``) is told about every call. Not when the limiter *is* the recorder, which
    would hear each call twice."""
    if getattr(limiter, "wrapped", limiter) is getattr(recorder, "wrapped", recorder):
        return None
    record = getattr(limiter, "record", None)
    return record if callable(record) else None


def _safe_sink(sink: Callable[[CallRecord], Any]) -> Callable[[CallRecord], None]:
    def call(record: CallRecord) -> None:
        try:
            sink(record)
        except Exception:
            # A broken ledger must not break the ERP call; say so loudly in the log instead.
            logger.exception("call recorder %r failed; the ERP call goes on", sink)

    return call


class ErpClient(_ClientBase):
    """The sync Visma.net ERP client. One per tenant; thread-safe; use as a context manager."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        tenant_id: str,
        connect_url: str = PRODUCTION_CONNECT_URL,
        erp_url: str = PRODUCTION_ERP_URL,
        salesorder_url: str = PRODUCTION_SALESORDER_URL,
        company_id: str | int | None = None,
        transport: httpx.BaseTransport | None = None,
        limiter: Limiter | None = None,
        recorder: Recorder | None = None,
        token_store: TokenStore | None = None,
        repeat_guard: RepeatGuard | None = None,
        priority: Priority = Priority.INTERACTIVE,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_after_cap: float = DEFAULT_RETRY_AFTER_CAP_SECONDS,
        erp_scopes: tuple[str, ...] = ERP_SCOPES,
        salesorder_scopes: tuple[str, ...] = SALESORDER_SCOPES,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        credentials = self._configure(
            client_id=client_id,
            client_secret=client_secret,
            tenant_id=tenant_id,
            connect_url=connect_url,
            erp_url=erp_url,
            salesorder_url=salesorder_url,
            company_id=company_id,
            priority=priority,
            timeout=timeout,
            max_retries=max_retries,
            retry_after_cap=retry_after_cap,
            erp_scopes=erp_scopes,
            salesorder_scopes=salesorder_scopes,
        )
        self._http = httpx.Client(
            transport=transport,
            headers=DEFAULT_HEADERS,
            timeout=self._settings.timeout,
            limits=DEFAULT_LIMITS,
            follow_redirects=False,
        )
        self.limiter: Limiter = limiter if limiter is not None else InMemoryLimiter()
        self.recorder: Recorder = recorder if recorder is not None else InMemoryRecorder()
        self._guard: RepeatGuard = (
            repeat_guard if repeat_guard is not None else InMemoryRepeatGuard()
        )
        self._sleep = sleep
        sinks = [self.recorder.record]
        limiter_record = _limiter_learning(self.limiter, self.recorder)
        if limiter_record is not None:
            sinks.append(limiter_record)
        self._sinks = [_safe_sink(sink) for sink in sinks]
        self._tokens = TokenProvider(
            http=self._http,
            store=token_store if token_store is not None else InMemoryTokenStore(),
            sleep=sleep,
            record=self._record_token_attempt,
            credentials=credentials,
            scopes=self._settings.scopes,
            margin_seconds=TOKEN_RENEW_MARGIN_SECONDS,
            retry=self._settings.retry,
            timeout=self._settings.timeout,
        )
        self._bind_resources()

    @classmethod
    def sandbox(cls, base_url: str, **kwargs: Any) -> Self:
        """A client whose Visma Connect, Financials and SalesOrders URLs are all ``base_url``."""
        return cls(connect_url=base_url, erp_url=base_url, salesorder_url=base_url, **kwargs)

    def _bind_resources(self) -> None:
        self.context = context_resource.Context(self)
        self.supplier_invoices = supplier_invoices_resource.SupplierInvoices(self)
        self.sales_orders = sales_orders_resource.SalesOrders(self)
        self.customers = customers_resource.Customers(self)
        self.inventory = inventory_resource.Inventory(self)
        self.background = background_resource.BackgroundOperations(self)

    def token(self, service: Service = Service.ERP, *, fresh: bool = False) -> Token:
        """The access token the client uses for ``service`` (cached, renewed 5 minutes early).
        ``fresh=True`` asks Visma Connect for a new one now, as a health check that the
        credentials still work; the new token replaces the cached one for every worker."""
        return self._tokens.token(service, force=fresh)

    # --- lifecycle --------------------------------------------------------------------------------

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- the request pipeline ---------------------------------------------------------------------

    def _record(self, record: CallRecord) -> None:
        for sink in self._sinks:
            sink(record)

    def _record_token_attempt(self, attempt: TokenAttempt) -> None:
        self._record(self._token_record(attempt))

    def _admit(self, prepared: Prepared[Any]) -> None:
        cap = self._settings.retry.retry_after_cap
        hold = repeat_step(self._guard.check(prepared.repeat_key), cap, prepared)
        if hold:
            self._sleep(hold)
        waited, rounds = 0.0, 0
        while True:
            rounds += 1
            decision = self.limiter.acquire(prepared.limit_request)
            wait = limiter_step(decision, waited, rounds, cap, prepared)
            if wait is None:
                return
            self._sleep(wait)
            waited += wait

    def _request(self, op: Operation[T]) -> T:
        settings = self._settings
        prepared = prepare(op, settings, self._state)
        needed = settings.scopes[op.service]
        attempt = 0
        while True:
            attempt += 1
            self._admit(prepared)
            token = self._tokens.token(op.service)
            request = build_request(self._http, prepared, token, settings.timeout)
            self._guard.sent(prepared.repeat_key)
            started_at, started = datetime.now(UTC), time.perf_counter()
            try:
                response = self._http.send(request)
            except httpx.TransportError as exc:
                outcome: Outcome[T] = Outcome(
                    None, error_for_exception(exc, op.method, op.path), None, None, None
                )
            else:
                outcome = read_response(prepared, response, token, needed)
            self._record(
                call_record(
                    settings,
                    prepared,
                    outcome,
                    duration_ms=(time.perf_counter() - started) * 1000.0,
                    attempt=attempt,
                    started_at=started_at,
                )
            )
            self._note_outcome(prepared, outcome)
            error = outcome.error
            if error is None:
                return cast(T, outcome.result)
            if isinstance(error, errors.Unauthorized):
                self._tokens.forget(op.service, token)
            delay = settings.retry.delay(error, attempt=attempt, idempotent=prepared.idempotent)
            if delay is None or self._retry_blocked(prepared):
                raise error
            self._sleep(delay)


def _awaitable(function: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    """Call a sync or async callable the same way from async code."""
    if inspect.iscoroutinefunction(function):
        return function

    async def call(*args: Any) -> Any:
        return function(*args)

    return call


def _async_limiter(limiter: Limiter | AsyncLimiter | None) -> AsyncLimiter:
    if limiter is None:
        return AsyncLimiterAdapter(InMemoryLimiter())
    if inspect.iscoroutinefunction(limiter.acquire):
        return cast(AsyncLimiter, limiter)
    return AsyncLimiterAdapter(cast(Limiter, limiter))


def _async_recorder(recorder: Recorder | AsyncRecorder | None) -> AsyncRecorder:
    if recorder is None:
        return AsyncRecorderAdapter(InMemoryRecorder())
    if inspect.iscoroutinefunction(recorder.record):
        return cast(AsyncRecorder, recorder)
    return AsyncRecorderAdapter(cast(Recorder, recorder))


def _async_store(store: TokenStore | AsyncTokenStore | None) -> AsyncTokenStore:
    if store is None:
        return AsyncInMemoryTokenStore()
    if inspect.iscoroutinefunction(store.get):
        return cast(AsyncTokenStore, store)
    return AsyncTokenStoreAdapter(cast(TokenStore, store))


def _safe_async_sink(
    sink: Callable[[CallRecord], Awaitable[Any]],
) -> Callable[[CallRecord], Awaitable[None]]:
    async def call(record: CallRecord) -> None:
        try:
            await sink(record)
        except Exception:
            logger.exception("call recorder %r failed; the ERP call goes on", sink)

    return call


class AsyncErpClient(_ClientBase):
    """The async Visma.net ERP client; the same arguments as ``ErpClient``.

    Limiter, recorder and token store may be async implementations or sync ones (wrapped in the
    ``Async…Adapter`` classes automatically, called inline; wrap them yourself with
    ``in_thread=True`` if they do blocking I/O).
    """

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        tenant_id: str,
        connect_url: str = PRODUCTION_CONNECT_URL,
        erp_url: str = PRODUCTION_ERP_URL,
        salesorder_url: str = PRODUCTION_SALESORDER_URL,
        company_id: str | int | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        limiter: Limiter | AsyncLimiter | None = None,
        recorder: Recorder | AsyncRecorder | None = None,
        token_store: TokenStore | AsyncTokenStore | None = None,
        repeat_guard: RepeatGuard | None = None,
        priority: Priority = Priority.INTERACTIVE,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_after_cap: float = DEFAULT_RETRY_AFTER_CAP_SECONDS,
        erp_scopes: tuple[str, ...] = ERP_SCOPES,
        salesorder_scopes: tuple[str, ...] = SALESORDER_SCOPES,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        credentials = self._configure(
            client_id=client_id,
            client_secret=client_secret,
            tenant_id=tenant_id,
            connect_url=connect_url,
            erp_url=erp_url,
            salesorder_url=salesorder_url,
            company_id=company_id,
            priority=priority,
            timeout=timeout,
            max_retries=max_retries,
            retry_after_cap=retry_after_cap,
            erp_scopes=erp_scopes,
            salesorder_scopes=salesorder_scopes,
        )
        self._http = httpx.AsyncClient(
            transport=transport,
            headers=DEFAULT_HEADERS,
            timeout=self._settings.timeout,
            limits=DEFAULT_LIMITS,
            follow_redirects=False,
        )
        self.limiter: AsyncLimiter = _async_limiter(limiter)
        self.recorder: AsyncRecorder = _async_recorder(recorder)
        self._guard: RepeatGuard = (
            repeat_guard if repeat_guard is not None else InMemoryRepeatGuard()
        )
        self._sleep = sleep
        sinks = [self.recorder.record]
        limiter_record = _limiter_learning(self.limiter, self.recorder)
        if limiter_record is not None:
            sinks.append(limiter_record)
        self._sinks = [_safe_async_sink(_awaitable(sink)) for sink in sinks]
        self._tokens = AsyncTokenProvider(
            http=self._http,
            store=_async_store(token_store),
            sleep=sleep,
            record=self._record_token_attempt,
            credentials=credentials,
            scopes=self._settings.scopes,
            margin_seconds=TOKEN_RENEW_MARGIN_SECONDS,
            retry=self._settings.retry,
            timeout=self._settings.timeout,
        )
        self._bind_resources()

    @classmethod
    def sandbox(cls, base_url: str, **kwargs: Any) -> Self:
        """A client whose Visma Connect, Financials and SalesOrders URLs are all ``base_url``."""
        return cls(connect_url=base_url, erp_url=base_url, salesorder_url=base_url, **kwargs)

    def _bind_resources(self) -> None:
        self.context = context_resource.AsyncContext(self)
        self.supplier_invoices = supplier_invoices_resource.AsyncSupplierInvoices(self)
        self.sales_orders = sales_orders_resource.AsyncSalesOrders(self)
        self.customers = customers_resource.AsyncCustomers(self)
        self.inventory = inventory_resource.AsyncInventory(self)
        self.background = background_resource.AsyncBackgroundOperations(self)

    async def token(self, service: Service = Service.ERP, *, fresh: bool = False) -> Token:
        """See ``ErpClient.token``."""
        return await self._tokens.token(service, force=fresh)

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    aclose = close

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _record(self, record: CallRecord) -> None:
        for sink in self._sinks:
            await sink(record)

    async def _record_token_attempt(self, attempt: TokenAttempt) -> None:
        await self._record(self._token_record(attempt))

    async def _admit(self, prepared: Prepared[Any]) -> None:
        cap = self._settings.retry.retry_after_cap
        hold = repeat_step(self._guard.check(prepared.repeat_key), cap, prepared)
        if hold:
            await self._sleep(hold)
        waited, rounds = 0.0, 0
        while True:
            rounds += 1
            decision = await self.limiter.acquire(prepared.limit_request)
            wait = limiter_step(decision, waited, rounds, cap, prepared)
            if wait is None:
                return
            await self._sleep(wait)
            waited += wait

    async def _request(self, op: Operation[T]) -> T:
        settings = self._settings
        prepared = prepare(op, settings, self._state)
        needed = settings.scopes[op.service]
        attempt = 0
        while True:
            attempt += 1
            await self._admit(prepared)
            token = await self._tokens.token(op.service)
            request = build_request(self._http, prepared, token, settings.timeout)
            self._guard.sent(prepared.repeat_key)
            started_at, started = datetime.now(UTC), time.perf_counter()
            try:
                response = await self._http.send(request)
            except httpx.TransportError as exc:
                outcome: Outcome[T] = Outcome(
                    None, error_for_exception(exc, op.method, op.path), None, None, None
                )
            else:
                outcome = read_response(prepared, response, token, needed)
            await self._record(
                call_record(
                    settings,
                    prepared,
                    outcome,
                    duration_ms=(time.perf_counter() - started) * 1000.0,
                    attempt=attempt,
                    started_at=started_at,
                )
            )
            self._note_outcome(prepared, outcome)
            error = outcome.error
            if error is None:
                return cast(T, outcome.result)
            if isinstance(error, errors.Unauthorized):
                await self._tokens.forget(op.service, token)
            delay = settings.retry.delay(error, attempt=attempt, idempotent=prepared.idempotent)
            if delay is None or self._retry_blocked(prepared):
                raise error
            await self._sleep(delay)
