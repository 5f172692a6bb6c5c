"""Pick the catalogue entries for an ERP error and fill in their words.

``explain(error)`` takes any ``erpclient.ErpError``; ``explain_background_failure`` takes what a
finished Background API operation reports (its ``statusCode`` and ``errorMessage``), which is an
error that never came back as an exception. Both give a ``Reading``: one ``Explanation`` per
problem (a v3 400 can name several, each with the field or line it is about) and the ERP's raw
answer, which is always shown too.
"""

from __future__ import annotations

import json
import math
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from erpclient import errors as e

from .catalogue import CATALOGUE, Entry, Link
from .owners import Owner
from .screens import Screen

# The seed article's message: "TaxID '01' cannot be found in the system".
_VAT_ID = re.compile(r"Tax\s*ID\s*'([^']*)'\s*cannot be found", re.IGNORECASE)
# Wording of a refused own number is not confirmed for the real ERP; these cover the phrasings
# seen in Visma's articles ("manual numbering", "number series") and the sandbox's.
_OVERRIDE_NUMBER_SERIES = re.compile(r"override\s*number\s*series", re.IGNORECASE)
_MANUAL_NUMBERING = re.compile(
    r"manual\s+numbering|numbering\s+is\s+not\s+manual|cannot\s+be\s+(?:set|assigned)\s+manually",
    re.IGNORECASE,
)
_BACKGROUND_PATH = re.compile(r"/v1/background/[^/]+(/content)?/?$", re.IGNORECASE)
_SALES_ORDER_CREATE = re.compile(r"/api/v3/salesorders/?$", re.IGNORECASE)
_RAW_LIMIT = 4000
_SPACES = re.compile(r"[ ]{2,}")


class _Blank(string.Formatter):
    """Fills the names it has; a name it lacks becomes empty instead of failing."""

    def get_value(self, key: Any, args: Any, kwargs: Mapping[str, Any]) -> Any:
        return kwargs.get(key, "") if isinstance(key, str) else super().get_value(key, args, kwargs)


_FORMAT = _Blank()


def _fill(text: str, values: Mapping[str, Any]) -> str:
    # An empty value leaves a double space or a space before a full stop behind.
    text = _FORMAT.format(text, **values)
    return _SPACES.sub(" ", text).replace(" .", ".").strip()


@dataclass(frozen=True, slots=True)
class Explanation:
    """One problem, in words: the entry's texts with the error's values filled in."""

    key: str
    title: str
    meaning: str
    owner: Owner
    actions: tuple[str, ...]
    screens: tuple[Screen, ...]
    customer_message: str | None
    links: tuple[Link, ...]
    issue_kind: str | None
    code: str | None = None
    short: str | None = None
    # For a v3 400: the field it names as the request spelled it ("orderLines[1].inventoryId").
    field_path: str | None = None
    # The ERP's own words for this problem.
    erp_message: str | None = None

    @property
    def known(self) -> bool:
        return self.key != "unknown"

    @property
    def owner_label(self) -> str:
        return self.owner.label


@dataclass(frozen=True, slots=True)
class Reading:
    explanations: tuple[Explanation, ...]
    status: int | None
    method: str | None = None
    path: str | None = None
    request_id: str | None = None
    raw: str = ""

    @property
    def first(self) -> Explanation:
        return self.explanations[0]

    @property
    def known(self) -> bool:
        return all(explanation.known for explanation in self.explanations)


@dataclass(slots=True)
class _Facts:
    """What is known of one failed answer, whatever it came from."""

    error: e.ErpError | None
    status: int | None
    message: str
    method: str | None = None
    path: str | None = None
    codes: list[tuple[str, str, str | None]] = field(default_factory=list)
    fault_code: str | None = None


def _explanation(
    key: str,
    values: Mapping[str, Any],
    *,
    code: str | None = None,
    prop: str | None = None,
    erp_message: str | None = None,
) -> Explanation:
    entry: Entry = CATALOGUE[key]
    filled = {"code": code or entry.code or "", **values}
    message = entry.customer_message
    return Explanation(
        key=entry.key,
        title=_fill(entry.title, filled),
        meaning=_fill(entry.meaning, filled),
        owner=entry.owner,
        actions=tuple(_fill(action, filled) for action in entry.actions),
        screens=entry.screens,
        customer_message=_FORMAT.format(message, **filled) if message else None,
        links=entry.links,
        issue_kind=entry.issue_kind,
        code=code or entry.code,
        short=entry.short,
        field_path=prop,
        erp_message=erp_message,
    )


def _by_text(facts: _Facts, values: dict[str, Any]) -> Explanation | None:
    """The troubleshooting articles, recognised by the ERP's words."""
    vat = _VAT_ID.search(facts.message)
    if vat:
        return _explanation(
            "vat_id_not_found", {**values, "value": vat.group(1)}, erp_message=facts.message
        )
    if _OVERRIDE_NUMBER_SERIES.search(facts.message):
        return _explanation("override_number_series_refused", values, erp_message=facts.message)
    if _MANUAL_NUMBERING.search(facts.message):
        return _explanation("manual_numbering_refused", values, erp_message=facts.message)
    return None


def _v3_codes(facts: _Facts, values: dict[str, Any]) -> list[Explanation]:
    found = []
    for code, message, prop in facts.codes:
        details = {**values, "detail": message}
        if code == "0004-ValueNotAllowed" and prop == "orderId":
            key = "manual_numbering_refused"
        elif f"v3:{code}" in CATALOGUE:
            key = f"v3:{code}"
        else:
            key = "unknown"
        found.append(_explanation(key, details, code=code, prop=prop, erp_message=message))
    return found


def _by_kind(facts: _Facts, values: dict[str, Any]) -> str:
    error = facts.error
    if isinstance(error, e.BudgetHeld | e.BudgetRefused):
        values["detail"] = _sentence(error.reason)
        return "budget_held"
    if isinstance(error, e.RepeatedRequestRefused):
        values["detail"] = (
            f"Here, {_sentence(error.reason, opening=False)}{_again_in(error.wait_seconds)}"
        )
        return "repeated_request"
    if isinstance(error, e.InvalidClient):
        return "invalid_client"
    if isinstance(error, e.InvalidTenant):
        return "invalid_tenant"
    if isinstance(error, e.InvalidScope | e.ScopeMissing):
        return "scope_missing"
    if isinstance(error, e.LicenseMissing) or facts.fault_code == "12027":
        return "no_license"
    if isinstance(error, e.CompanyContextError) or facts.fault_code == "12002":
        return "company_context"
    if isinstance(error, e.CustomerTenantSuspected):
        return "customer_tenant_id"
    if isinstance(error, e.ErpConnectionError) or (facts.status or 0) >= 500:
        return "erp_unavailable"
    status = facts.status
    background = _BACKGROUND_PATH.search(facts.path or "")
    if background and status in (403, 404, 410):
        if status == 403:
            return "background_state_forbidden"
        if status == 410:
            return "background_content_gone"
        return "background_content_missing" if background.group(1) else "background_state_not_found"
    if status == 404:
        return "not_found"
    if status == 409:
        creating_order = (facts.method or "").upper() == "POST" and _SALES_ORDER_CREATE.search(
            facts.path or ""
        )
        return "order_number_taken" if creating_order else "conflict"
    if status == 412:
        return "precondition_failed"
    if status == 428:
        return "precondition_required"
    if status == 429:
        values["detail"] = _throttle_detail(error)
        return "rate_limited"
    if status == 400:
        return "validation_failed"
    return "unknown"


def _sentence(text: str, *, opening: bool = True) -> str:
    """A reason from the client library ("the same request ...") as a sentence of a page, or
    the rest of one (``opening=False``)."""
    text = text.strip()
    if not text:
        return ""
    first = text[:1].upper() if opening else text[:1]
    return f"{first}{text[1:]}{'' if text.endswith('.') else '.'}"


def _again_in(wait_seconds: float | None) -> str:
    if not wait_seconds or wait_seconds <= 0:
        return ""
    seconds = math.ceil(wait_seconds)
    if seconds >= 120:
        return f" It can be sent again in about {round(seconds / 60)} minutes."
    return f" It can be sent again in {seconds} second{'s' if seconds != 1 else ''}."


def _throttle_detail(error: e.ErpError | None) -> str:
    if not isinstance(error, e.RateLimited):
        return ""
    parts = []
    if error.retry_after is not None:
        parts.append(f"The ERP asked to wait {error.retry_after:g} seconds.")
    if error.policy:
        parts.append(f"Its policy: {error.policy}.")
    return " ".join(parts)


def _raw(body: Any) -> str:
    if body is None:
        return ""
    text = body if isinstance(body, str) else json.dumps(body, indent=2, ensure_ascii=False)
    return text[:_RAW_LIMIT]


def _read(facts: _Facts, *, company: str, isv: str, request_id: str | None, body: Any) -> Reading:
    values: dict[str, Any] = {"company": company, "isv": isv, "detail": facts.message}
    explanations = _v3_codes(facts, values) if facts.codes else []
    if not explanations:
        by_text = _by_text(facts, values) if facts.status in (None, 400, 500) else None
        if by_text is not None:
            explanations = [by_text]
        else:
            key = _by_kind(facts, values)
            # A request the client kept back never reached the ERP: it said nothing.
            said = None if isinstance(facts.error, e.BudgetError) else facts.message or None
            explanations = [_explanation(key, values, erp_message=said)]
    return Reading(
        explanations=tuple(explanations),
        status=facts.status,
        method=facts.method,
        path=facts.path,
        request_id=request_id,
        raw=_raw(body),
    )


def explain(error: e.ErpError, *, company: str = "", isv: str = "") -> Reading:
    """The catalogue's reading of an error erpclient raised."""
    validation = isinstance(error, e.ValidationFailed)
    facts = _Facts(
        error=error,
        status=error.status,
        message=error.message or "",
        method=error.method,
        path=error.path,
        codes=list(error.error_codes) if validation else [],
        fault_code=error.fault_code,
    )
    return _read(facts, company=company, isv=isv, request_id=error.request_id, body=error.body)


def explain_background_failure(
    status_code: int | None,
    error_message: str | None,
    *,
    method: str | None = None,
    path: str | None = None,
    company: str = "",
    isv: str = "",
) -> Reading:
    """The reading of a Background API operation that finished with an error status."""
    facts = _Facts(
        error=None,
        status=status_code or None,
        message=(error_message or "").strip(),
        method=method,
        path=path,
    )
    return _read(facts, company=company, isv=isv, request_id=None, body=error_message)
