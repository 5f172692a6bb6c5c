"""Choose the error class for a failed response."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from . import errors
from ._error_body import ErrorBody, decode_body, parse_error_body
from ._reply import Reply
from .ratelimit import parse_retry_after

_CHALLENGE_SCOPE = re.compile(r'scope="([^"]*)"', re.IGNORECASE)
_REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-correlation-id", "x-ms-request-id")

_FAULT_CLASSES: dict[str, type[errors.ErpError]] = {
    "12027": errors.LicenseMissing,
    "12002": errors.CompanyContextError,
}
_FAULT_MESSAGES = {
    "12027": "No license for this company.",
    "12002": "The company is not set, or the user is not authorised for that company.",
}

_STATUS_CLASSES: dict[int, type[errors.ErpError]] = {
    400: errors.ValidationFailed,
    401: errors.Unauthorized,
    403: errors.Forbidden,
    404: errors.NotFound,
    409: errors.Conflict,
    410: errors.Gone,
    412: errors.PreconditionFailed,
    428: errors.PreconditionRequired,
    429: errors.RateLimited,
}

TOKEN_CLASSES: dict[str, type[errors.TokenError]] = {
    "invalid_client": errors.InvalidClient,
    "invalid_tenant": errors.InvalidTenant,
    "invalid_scope": errors.InvalidScope,
}


def request_id_of(headers: Mapping[str, str]) -> str | None:
    for name in _REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value
    return None


def _message(parsed: ErrorBody, response: Reply) -> str:
    if parsed.message:
        return parsed.message
    if parsed.fault_code in _FAULT_MESSAGES:
        return _FAULT_MESSAGES[parsed.fault_code]
    return response.reason_phrase


def _scope_problem(
    response: Reply,
    parsed: ErrorBody,
    token_scopes: frozenset[str] | None,
    needed_scopes: Iterable[str],
) -> tuple[str, ...] | None:
    """The scopes that are missing if a 403 is about scopes, else ``None``."""
    needed = tuple(needed_scopes)
    if token_scopes:
        missing = tuple(scope for scope in needed if scope not in token_scopes)
        if missing:
            return missing
    challenge = response.headers.get("www-authenticate", "")
    if "insufficient_scope" in challenge.lower():
        # RFC 6750 3.1: the challenge may name the scope the call needs.
        named = _CHALLENGE_SCOPE.search(challenge)
        return tuple(named.group(1).split()) if named else needed
    if "scope" in (parsed.message or "").lower():
        return needed
    return None


def error_from_response(
    response: Reply,
    *,
    method: str,
    path: str,
    token_scopes: frozenset[str] | None = None,
    needed_scopes: Iterable[str] = (),
) -> errors.ErpError:
    """The typed error for a non-2xx ERP response."""
    status = response.status_code
    parsed = parse_error_body(decode_body(response))
    common: dict[str, Any] = {
        "status": status,
        "body": parsed.data,
        "fault_code": parsed.fault_code,
        "message_id": parsed.message_id,
        "method": method,
        "path": path,
        "request_id": request_id_of(response.headers),
        "ratelimit": response.ratelimit,
        "visma_id": parsed.visma_id,
        "retry_after": parse_retry_after(response.headers.get("retry-after")),
    }
    message = _message(parsed, response)
    fault_class = _FAULT_CLASSES.get(parsed.fault_code or "")
    if fault_class is not None:
        return fault_class(message, **common)
    if status == 400:
        return errors.ValidationFailed(
            message,
            field_errors=parsed.field_errors,
            line_errors=parsed.line_errors,
            error_codes=parsed.error_codes,
            **common,
        )
    if status == 401:
        # Visma Connect gave us a token, so the credentials are fine; the documented cause of a
        # 401 here is the customer tenant id used in place of the company tenant id.
        return errors.CustomerTenantSuspected(message, **common)
    if status == 403:
        missing = _scope_problem(response, parsed, token_scopes, needed_scopes)
        if missing is not None:
            return errors.ScopeMissing(message, missing_scopes=missing, **common)
        return errors.Forbidden(message, **common)
    if status == 429:
        return errors.RateLimited(message, **common)
    if status >= 500:
        return errors.ServerError(message, **common)
    error_class = _STATUS_CLASSES.get(status, errors.UnexpectedResponse)
    return error_class(message, **common)


def token_error_from_response(response: Reply, *, path: str) -> errors.ErpError:
    """The typed error for a failed Visma Connect token request."""
    status = response.status_code
    parsed = parse_error_body(decode_body(response))
    common: dict[str, Any] = {
        "status": status,
        "body": parsed.data,
        "method": "POST",
        "path": path,
        "request_id": request_id_of(response.headers),
        "ratelimit": response.ratelimit,
        "retry_after": parse_retry_after(response.headers.get("retry-after")),
    }
    message = _message(parsed, response)
    if status == 429:
        return errors.RateLimited(message, **common)
    if status >= 500:
        return errors.ServerError(message, **common)
    token_class = TOKEN_CLASSES.get(parsed.oauth_error or "", errors.TokenError)
    return token_class(message, error=parsed.oauth_error, **common)
