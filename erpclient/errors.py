"""One exception class per kind of failure, each carrying what the ERP said and where.

Every error has ``status`` (``None`` when no response arrived), the parsed ``body``, the ERP's
``fault_code`` and ``message_id``, a human ``message``, the request's ``method`` and ``path``,
the ``request_id`` if the ERP sent one, the ``ratelimit`` figures of the response and
``retry_after``, the seconds its ``Retry-After`` header asked for (a 429, a 503).
``str(error)`` is a short sentence a support person can read.
"""

from __future__ import annotations

from typing import Any, ClassVar

from .ratelimit import RateLimitInfo


class ErpError(Exception):
    """Base of every error the client raises on purpose."""

    kind: ClassVar[str] = "erp_error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        body: Any = None,
        fault_code: str | None = None,
        message_id: str | None = None,
        method: str | None = None,
        path: str | None = None,
        request_id: str | None = None,
        ratelimit: RateLimitInfo | None = None,
        visma_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.body = body
        self.fault_code = fault_code
        self.message_id = message_id
        self.method = method
        self.path = path
        self.request_id = request_id
        self.ratelimit = ratelimit
        self.visma_id = visma_id
        self.retry_after = retry_after

    def __str__(self) -> str:
        where = f" on {self.method} {self.path}" if self.method and self.path else ""
        status = f"{self.status} " if self.status is not None else ""
        fault = f" (fault {self.fault_code})" if self.fault_code else ""
        wait = f" (retry after {self.retry_after:g} s)" if self.retry_after is not None else ""
        return f"{status}{type(self).__name__}{where}: {self.message}{fault}{wait}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


# --- no response -----------------------------------------------------------------------------


class ErpConnectionError(ErpError):
    """The request did not get a response: DNS, refused or reset connection, TLS failure."""

    kind = "connection_error"


class ErpTimeout(ErpConnectionError):
    """The ERP did not answer within the client's timeout."""

    kind = "timeout"


# --- responses --------------------------------------------------------------------------------


class ValidationFailed(ErpError):
    """400: the ERP refused the input.

    ``field_errors`` maps a field name (``customer.id``, ``description``) to the ERP's messages;
    ``line_errors`` maps the zero-based index in ``orderLines`` to that line's field errors, as the
    SalesOrders v3 service reports them (``orderLines[2].inventoryId``). ``error_codes`` keeps the
    v3 ``details`` as ``(code, message, property)``. A Financials ``IPPException`` has no field
    information; its text is in ``message``.
    """

    kind = "validation_failed"

    def __init__(
        self,
        message: str,
        *,
        field_errors: dict[str, list[str]] | None = None,
        line_errors: dict[int, dict[str, list[str]]] | None = None,
        error_codes: list[tuple[str, str, str | None]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.field_errors = field_errors or {}
        self.line_errors = line_errors or {}
        self.error_codes = error_codes or []


class Unauthorized(ErpError):
    """401 from the ERP."""

    kind = "unauthorized"


class CustomerTenantSuspected(Unauthorized):
    """401 on an ERP call although Visma Connect issued a token for the tenant.

    The documented cause: a *customer* tenant id was used where the *company* tenant id is needed
    (Visma.net Admin, Company, Edit, Configuration, Tenant id).
    """

    kind = "customer_tenant_suspected"
    hint: ClassVar[str] = (
        "a customer tenant id was probably used where the company tenant id is needed"
    )

    def __str__(self) -> str:
        return f"{super().__str__()} (hint: {self.hint})"


class Forbidden(ErpError):
    """403 from the ERP."""

    kind = "forbidden"


class ScopeMissing(Forbidden):
    """403 because the token lacks a scope the call needs (for example the SalesOrders scopes)."""

    kind = "scope_missing"

    def __init__(self, message: str, *, missing_scopes: tuple[str, ...] = (), **kwargs: Any):
        super().__init__(message, **kwargs)
        self.missing_scopes = missing_scopes


class NotFound(ErpError):
    """404: no such document, or not visible to this company."""

    kind = "not_found"


class Gone(NotFound):
    """410: for example a background operation's state, removed after 24 hours."""

    kind = "gone"


class Conflict(ErpError):
    """409: for example an order number that already exists."""

    kind = "conflict"


class PreconditionFailed(ErpError):
    """412: the document changed since the ETag given in ``If-Match``. Reload, never overwrite."""

    kind = "precondition_failed"


class PreconditionRequired(ErpError):
    """428: the SalesOrders v3 service wants an ``If-Match`` header on this call."""

    kind = "precondition_required"


class RateLimited(ErpError):
    """429: the ERP throttled the call. ``retry_after`` is in seconds (``None`` if not sent)."""

    kind = "rate_limited"

    @property
    def limit(self) -> int | None:
        return self.ratelimit.limit if self.ratelimit else None

    @property
    def remaining(self) -> int | None:
        return self.ratelimit.remaining if self.ratelimit else None

    @property
    def reset_seconds(self) -> float | None:
        return self.ratelimit.reset_seconds if self.ratelimit else None

    @property
    def policy(self) -> str | None:
        return self.ratelimit.policy if self.ratelimit else None


class ServerError(ErpError):
    """5xx: the ERP failed. Nothing the caller did; try again later (after ``retry_after`` when
    the ERP said, as a 503 with ``Retry-After`` does)."""

    kind = "server_error"


class LicenseMissing(ErpError):
    """Fault 12027 "No license for this company".

    Causes: the API user lacks the "API User" role, the customer tenant id was given instead of the
    company tenant id, or the Visma.net Financials licence has expired.
    """

    kind = "license_missing"


class CompanyContextError(ErpError):
    """Fault 12002: the company is not set, or the user is not authorised for that company."""

    kind = "company_context"


# --- Visma Connect token errors -----------------------------------------------------------------


class TokenError(ErpError):
    """Visma Connect refused to issue a token. ``error`` is the OAuth2 error code."""

    kind = "token_error"

    def __init__(self, message: str, *, error: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.error = error


class InvalidClient(TokenError):
    """``invalid_client``: unknown client id or wrong secret."""

    kind = "invalid_client"


class InvalidTenant(TokenError):
    """``invalid_tenant``: the tenant has not approved the app, or the API user lacks a role."""

    kind = "invalid_tenant"


class InvalidScope(TokenError):
    """``invalid_scope``: the client may not ask for these scopes, or the tenant did not approve
    them."""

    kind = "invalid_scope"


# --- decisions the client takes itself ------------------------------------------------------------


class BudgetError(ErpError):
    """The request was not sent, to protect the company's budget. Never retried by the client.

    ``wait_seconds`` says when asking again makes sense (``None``: not by waiting).
    """

    kind = "budget"

    def __init__(
        self, message: str, *, reason: str, wait_seconds: float | None = None, **kwargs: Any
    ) -> None:
        super().__init__(message, **kwargs)
        self.reason = reason
        self.wait_seconds = wait_seconds


class BudgetHeld(BudgetError):
    """The limiter asked to wait longer than the client may sleep; reschedule after
    ``wait_seconds``."""

    kind = "budget_held"


class BudgetRefused(BudgetError):
    """The limiter refused the call outright."""

    kind = "budget_refused"


class RepeatedRequestRefused(BudgetError):
    """The same request failed twice in 5 minutes, or was sent 5 times in the last minute.

    The ERP punishes both, so the client does not send it. ``wait_seconds`` is how long until the
    ERP would accept it again.
    """

    kind = "repeated_request_refused"


# --- misuse and unsafe input ----------------------------------------------------------------


class UntrustedLocation(ErpError):
    """A URL from a response or webhook points outside the configured ERP host; never followed."""

    kind = "untrusted_location"


class BackgroundWaitTimeout(ErpError):
    """``background.wait`` gave up before the operation finished. ``state`` is the last one seen."""

    kind = "background_wait_timeout"

    def __init__(self, message: str, *, state: Any = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.state = state


class UnexpectedResponse(ErpError):
    """A status or body the client does not know how to read (for example a 2xx that is not
    JSON)."""

    kind = "unexpected_response"
