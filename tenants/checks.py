"""The steps of a tenant check and what their failures mean.

Steps, in order: token (Visma Connect) → context (which company the token works on) → a cheap
Financials read → the SalesOrders v3 scopes → the hour's rate-limit figures (health checks only).
Each step returns a ``StepResult``; an ERP error becomes a ``Found`` problem of the catalogue.
Nothing here writes to the database: ``health`` records the results.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

from erpclient import (
    BudgetError,
    CompanyContextError,
    CustomerTenantSuspected,
    ErpClient,
    ErpConnectionError,
    ErpError,
    ErpTimeout,
    InvalidClient,
    InvalidScope,
    InvalidTenant,
    LicenseMissing,
    Priority,
    RateLimited,
    RateLimitInfo,
    ScopeMissing,
    ServerError,
    Unauthorized,
)
from erpclient.config import Service
from usage.conf import near_limit
from usage.selectors import budget_state, is_test_client_heavy, latest_ratelimit

from .catalogue import IssueKind
from .erp import erp_for
from .models import Tenant
from .steps import Step, StepStatus

logger = logging.getLogger(__name__)

STEP_LABELS = dict(Step.choices)

_RAW_LIMIT = 4000
_MASK = "••••••••"


@dataclass(frozen=True)
class Found:
    """A problem a step found: its catalogue kind and what the ERP said (never a secret)."""

    kind: IssueKind
    details: dict[str, Any]


@dataclass
class StepResult:
    name: str
    status: str
    summary: str
    duration_ms: float = 0.0
    found: Found | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    # Set when the budget guard held the step back: try again in this many seconds.
    defer_seconds: float | None = None
    error: ErpError | None = field(default=None, repr=False)

    @property
    def stops_check(self) -> bool:
        return self.status != StepStatus.PASSED

    def as_json(self) -> dict[str, Any]:
        """What a check run stores per step (facts and details hold no secret)."""
        return {
            "name": self.name,
            "status": self.status,
            "summary": self.summary,
            "duration_ms": round(self.duration_ms, 1),
            "issue_kind": self.found.kind.value if self.found else "",
            "details": self.found.details if self.found else {},
            "facts": self.facts,
            "defer_seconds": self.defer_seconds,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StepResult:
        kind = data.get("issue_kind")
        return cls(
            name=data["name"],
            status=data["status"],
            summary=data.get("summary", ""),
            duration_ms=data.get("duration_ms") or 0.0,
            found=Found(IssueKind(kind), data.get("details") or {}) if kind else None,
            facts=data.get("facts") or {},
            defer_seconds=data.get("defer_seconds"),
        )


class CheckContext:
    """What the steps of one check share: the tenant and one ERP client, built on first use.

    ``interactive``: the step runs inside a web request someone is waiting on, so each ERP call
    gets ``TENANTS_INTERACTIVE_TIMEOUT_SECONDS`` and no retry, and a hung ERP costs the page
    seconds, not minutes."""

    def __init__(self, tenant: Tenant, *, priority: Priority, interactive: bool = False) -> None:
        self.tenant = tenant
        self.priority = priority
        self.interactive = interactive
        self._client: ErpClient | None = None
        self.secrets = [tenant.api_client.client_secret.reveal()]

    @property
    def timeout(self) -> float:
        if self.interactive:
            return settings.TENANTS_INTERACTIVE_TIMEOUT_SECONDS
        return settings.TENANTS_CHECK_TIMEOUT_SECONDS

    @property
    def client(self) -> ErpClient:
        if self._client is None:
            self._client = erp_for(
                self.tenant,
                priority=self.priority,
                timeout=self.timeout,
                max_retries=0 if self.interactive else settings.TENANTS_CHECK_MAX_RETRIES,
            )
        return self._client

    @property
    def last_ratelimit(self) -> RateLimitInfo | None:
        """The figures of this check's latest ERP answer (None if it made no ERP call)."""
        return self._client.last_ratelimit if self._client is not None else None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            if secret:
                text = text.replace(secret, _MASK)
        return text


# --- classification -------------------------------------------------------------------------


def _raw(body: Any) -> str:
    if body is None:
        return ""
    if isinstance(body, str | bytes):
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    else:
        try:
            text = json.dumps(body, ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError):
            text = repr(body)
    return text[:_RAW_LIMIT]


def error_details(error: ErpError, step: str, ctx: CheckContext | None = None) -> dict[str, Any]:
    details = {
        "step": step,
        "error": type(error).__name__,
        "status": error.status,
        "message": error.message,
        "fault_code": error.fault_code or "",
        "message_id": error.message_id or "",
        "request_id": error.request_id or "",
        "visma_id": error.visma_id or "",
        "method": error.method or "",
        "path": error.path or "",
        "raw": _raw(error.body),
    }
    if isinstance(error, RateLimited) and error.retry_after is not None:
        details["retry_after"] = error.retry_after
    if ctx is not None:
        details = {
            key: ctx.scrub(value) if isinstance(value, str) else value
            for key, value in details.items()
        }
    return details


def _tenant_refusal(error: InvalidTenant) -> IssueKind:
    """invalid_tenant has two documented causes; Visma's exact texts are not confirmed, so the
    description decides when it names one, and both causes are listed when it does not."""
    text = (error.message or "").lower()
    if "role" in text or "api user" in text or "entitled" in text:
        return IssueKind.API_USER_ROLE_MISSING
    if "approv" in text:
        return IssueKind.APP_NOT_APPROVED
    return IssueKind.INVALID_TENANT


def classify(error: ErpError, step: str) -> IssueKind:
    """The catalogue kind of an ERP error met in ``step``."""
    if isinstance(error, InvalidClient):
        return IssueKind.INVALID_CLIENT
    if isinstance(error, InvalidTenant):
        return _tenant_refusal(error)
    if isinstance(error, InvalidScope | ScopeMissing):
        if step == Step.SALESORDERS:
            return IssueKind.SALESORDER_SCOPE_MISSING
        return IssueKind.FINANCIALS_SCOPE_MISSING
    if isinstance(error, CustomerTenantSuspected):
        return IssueKind.CUSTOMER_TENANT_ID
    if isinstance(error, LicenseMissing):
        return IssueKind.NO_LICENSE
    if isinstance(error, CompanyContextError):
        return IssueKind.COMPANY_CONTEXT
    if isinstance(error, RateLimited):
        return IssueKind.RATE_LIMITED
    if isinstance(error, ServerError | ErpConnectionError):
        return IssueKind.ERP_UNAVAILABLE
    if isinstance(error, Unauthorized):
        return IssueKind.CUSTOMER_TENANT_ID
    return IssueKind.UNCLASSIFIED


# --- the steps ----------------------------------------------------------------------------------


def _minutes_left(expires_at: datetime) -> int:
    return max(int((expires_at - datetime.now(UTC)).total_seconds() // 60), 0)


def _step_token(ctx: CheckContext) -> tuple[str, dict[str, Any]]:
    token = ctx.client.token(Service.ERP, fresh=True)
    return (
        f"Visma Connect issued a token for tenant {ctx.tenant.tenant_id} "
        f"(valid {_minutes_left(token.expires_at)} more minutes).",
        {},
    )


def _step_context(ctx: CheckContext) -> tuple[str, dict[str, Any]]:
    company = ctx.client.context.get()
    name = company.name or ""
    return (
        f"The token works on company “{name}” (ERP company id {company.id}).",
        {"company_id": company.id, "company_name": name},
    )


def _step_financials(ctx: CheckContext) -> tuple[str, dict[str, Any]]:
    page = ctx.client.supplier_invoices.page(page_size=1)
    total = page.total_count if page.total_count is not None else len(page.items)
    return f"Read the supplier invoices: {total:,} in the company.", {}


def _step_salesorders(ctx: CheckContext) -> tuple[str, dict[str, Any]]:
    token = ctx.client.token(Service.SALESORDER, fresh=True)
    page = ctx.client.sales_orders.page(page_size=1)
    total = page.total_count if page.total_count is not None else len(page.items)
    granted = sorted(s for s in token.scopes if s.startswith("visma.net.erp.salesorder"))
    return (
        f"SalesOrders v3 answers ({total:,} orders); granted: {', '.join(granted) or 'read'}.",
        {},
    )


def ratelimit_figures(info: RateLimitInfo | None) -> dict[str, Any] | None:
    if info is None:
        return None
    return {
        "limit": info.limit,
        "remaining": info.remaining,
        "reset_seconds": info.reset_seconds,
        "policy": info.policy or "",
        "observed_at": info.observed_at.isoformat(),
    }


def _step_ratelimit(ctx: CheckContext) -> StepResult:
    """No ERP call: what this check's answers (or the usage ledger) say about the hour, by
    usage's own rules of "near the limit" and "a test client carrying production traffic"."""
    client_id = ctx.tenant.api_client.client_id
    tenant_id = ctx.tenant.tenant_id
    info = ctx.last_ratelimit or latest_ratelimit(client_id=client_id, tenant_id=tenant_id)
    state = budget_state(client_id=client_id, tenant_id=tenant_id)
    facts: dict[str, Any] = {"ratelimit": ratelimit_figures(info), "budget": state.reason}
    limit = (info.limit if info and info.limit else None) or state.limit
    if info is not None and info.remaining is not None and limit:
        used = max(limit - info.remaining, 0)
        remaining = info.remaining
    else:
        used, remaining = state.used, state.remaining
    facts.update(used=used, limit=limit, remaining=remaining)
    sentence = (
        f"{used:,} of {limit:,} calls used this hour ({remaining:,} left, by the ERP's count)."
    )
    if limit and near_limit(used, limit):
        details = {
            "step": Step.RATELIMIT,
            "used": used,
            "limit": limit,
            "remaining": remaining,
            "budget": sentence,
        }
        return StepResult(
            Step.RATELIMIT,
            StepStatus.FAILED,
            sentence + " That is near the limit.",
            found=Found(IssueKind.NEAR_LIMIT, details),
            facts=facts,
        )
    facts["test_client_heavy"] = is_test_client_heavy(client_id=client_id, tenant_id=tenant_id)
    return StepResult(Step.RATELIMIT, StepStatus.PASSED, sentence, facts=facts)


_ERP_STEPS: dict[str, Callable[[CheckContext], tuple[str, dict[str, Any]]]] = {
    Step.TOKEN: _step_token,
    Step.CONTEXT: _step_context,
    Step.FINANCIALS: _step_financials,
    Step.SALESORDERS: _step_salesorders,
}


def run_step(ctx: CheckContext, name: str) -> StepResult:
    """Run one step; never raises for an ERP failure (it becomes the result)."""
    started = time.perf_counter()
    try:
        if name == Step.RATELIMIT:
            result = _step_ratelimit(ctx)
        else:
            summary, facts = _ERP_STEPS[name](ctx)
            result = StepResult(name, StepStatus.PASSED, ctx.scrub(summary), facts=facts)
    except BudgetError as error:
        result = StepResult(
            name,
            StepStatus.SKIPPED,
            ctx.scrub(f"Not sent, to protect the company's budget: {error.reason}."),
            defer_seconds=error.wait_seconds,
            error=error,
        )
    except ErpError as error:
        kind = classify(error, name)
        details = error_details(error, name, ctx)
        defer = error.retry_after if isinstance(error, RateLimited) else None
        summary = str(error)
        if isinstance(error, ErpTimeout) and ctx.interactive:
            summary = interactive_timeout_summary(ctx.timeout)
        result = StepResult(
            name,
            StepStatus.FAILED,
            ctx.scrub(summary),
            found=Found(kind, details),
            defer_seconds=defer,
            error=error,
        )
    except Exception as error:
        # A bug or an answer nobody foresaw: recorded, never dropped, and the check goes on.
        logger.exception("check step %s failed unexpectedly for tenant %s", name, ctx.tenant.pk)
        text = ctx.scrub(f"{type(error).__name__}: {error}")
        result = StepResult(
            name,
            StepStatus.FAILED,
            f"The portal could not run this step: {text}",
            found=Found(
                IssueKind.UNCLASSIFIED,
                {"step": name, "error": type(error).__name__, "message": text, "raw": ""},
            ),
        )
    result.duration_ms = (time.perf_counter() - started) * 1000.0
    return result


def interactive_timeout_summary(timeout: float) -> str:
    return (
        f"The ERP did not answer within {timeout:g} seconds, so the portal stopped waiting "
        "instead of keeping this page busy. Nothing was changed. Press “Check now” to try "
        "again; the background check also tries again at its next run, waiting up to "
        f"{settings.TENANTS_CHECK_TIMEOUT_SECONDS:g} seconds for each answer."
    )


def not_run(name: str, reason: str) -> StepResult:
    return StepResult(name, StepStatus.SKIPPED, reason)
