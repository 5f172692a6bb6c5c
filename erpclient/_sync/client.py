# Generated from erpclient/_async by scripts/generate_sync.py; do not edit.
# Change the async source and run `python scripts/generate_sync.py`.
"""The ERP client: one httpx pool, cached tokens, the budget guard and retries around every call.

One per tenant; safe to share between threads or tasks; use it as a context manager or close it.
Every resource method describes its request as an ``Operation`` and runs it through ``request``.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any, Self, TypeVar, cast

import httpx

from .. import errors
from .._admission import limiter_step, repeat_step
from .._auth import TokenAttempt, error_for_exception
from .._client import DEFAULT_HEADERS, DEFAULT_LIMITS, ClientBase
from .._core import (
    Outcome,
    Prepared,
    build_request,
    call_record,
    counts_as_failed,
    prepare,
    read_response,
)
from .._operation import Operation
from ..budget import Limiter, Priority, as_limiter, learning_sink
from ..config import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_RETRY_AFTER_CAP_SECONDS,
    DEFAULT_TOKEN_REFUSAL_SECONDS,
    ERP_SCOPES,
    PRODUCTION_CONNECT_URL,
    PRODUCTION_ERP_URL,
    PRODUCTION_SALESORDER_URL,
    SALESORDER_SCOPES,
    TOKEN_RENEW_MARGIN_SECONDS,
    Service,
)
from ..recording import CallRecord, Recorder, as_recorder
from ..repeat_guard import RepeatGuard, as_repeat_guard
from ..tokens import Token, TokenStore, as_token_store
from ._types import RecordSink, Sleep
from .background import BackgroundOperations
from .context import Context
from .customers import Customers
from .inventory import Inventory
from .ledger import Ledger
from .order_types import OrderTypes
from .sales_orders import SalesOrders
from .supplier_invoices import SupplierInvoices
from .supplier_payments import SupplierPayments
from .suppliers import Suppliers
from .token_provider import TokenProvider
from .webhook_feedback import SyncWebhookFeedback

logger = logging.getLogger("erpclient")

T = TypeVar("T")


def _safe_sink(sink: RecordSink) -> RecordSink:
    def call(record: CallRecord) -> None:
        try:
            sink(record)
        except Exception:
            # A broken ledger must not break the ERP call; say so loudly in the log instead.
            logger.exception("call recorder %r failed; the ERP call goes on", sink)

    return call


class ErpClient(ClientBase):
    """The Visma.net ERP client (see docs/erpclient.md).

    Limiter, recorder, token store and repeat guard are the protocols of ``erpclient.budget``,
    ``.recording``, ``.tokens`` and ``.repeat_guard``; left out, each is an in-memory default.
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
        token_refusal_seconds: float = DEFAULT_TOKEN_REFUSAL_SECONDS,
        sleep: Sleep = time.sleep,
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
        self.limiter = as_limiter(limiter)
        self.recorder = as_recorder(recorder)
        self._guard = as_repeat_guard(repeat_guard)
        self._sleep = sleep
        sinks = [self.recorder.record]
        learning = learning_sink(self.limiter, self.recorder)
        if learning is not None:
            sinks.append(learning)
        self._sinks = [_safe_sink(sink) for sink in sinks]
        self._tokens = TokenProvider(
            http=self._http,
            store=as_token_store(token_store),
            sleep=sleep,
            record=self._record_token_attempt,
            credentials=credentials,
            scopes=self._settings.scopes,
            margin_seconds=TOKEN_RENEW_MARGIN_SECONDS,
            retry=self._settings.retry,
            timeout=self._settings.timeout,
            refusal_seconds=token_refusal_seconds,
        )
        self._bind_resources()

    @classmethod
    def sandbox(cls, base_url: str, **kwargs: Any) -> Self:
        """A client whose Visma Connect, Financials and SalesOrders URLs are all ``base_url``."""
        return cls(connect_url=base_url, erp_url=base_url, salesorder_url=base_url, **kwargs)

    def _bind_resources(self) -> None:
        self.context = Context(self)
        self.supplier_invoices = SupplierInvoices(self)
        self.supplier_payments = SupplierPayments(self)
        self.sales_orders = SalesOrders(self)
        self.customers = Customers(self)
        self.inventory = Inventory(self)
        self.order_types = OrderTypes(self)
        self.suppliers = Suppliers(self)
        self.background = BackgroundOperations(self)
        self.webhook_feedback = SyncWebhookFeedback(self)
        self.ledger = Ledger(self)

    def token(self, service: Service = Service.ERP, *, fresh: bool = False) -> Token:
        """The access token the client uses for ``service`` (cached, renewed 5 minutes early).
        ``fresh=True`` asks Visma Connect for a new one now, as a health check that the
        credentials still work; the new token replaces the cached one for every worker."""
        return self._tokens.token(service, force=fresh)

    # --- lifecycle --------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection pool (a ``with_options`` copy leaves the shared pool open)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- the request pipeline ---------------------------------------------------------------------

    def request(self, op: Operation[T]) -> T:
        """Send one operation through the budget guard, with retries, and read its answer.

        Every resource method is a thin description of an ``Operation`` run through here."""
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

    def _record(self, record: CallRecord) -> None:
        for sink in self._sinks:
            sink(record)

    def _record_token_attempt(self, attempt: TokenAttempt) -> None:
        self._record(self._token_record(attempt))
