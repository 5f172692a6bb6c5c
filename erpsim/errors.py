"""Error bodies in the shapes each real service uses, and the exception that carries them.

- Financials API: ``IPPException`` (KB articles on 12027 and 12002), ``{"Message": ...}`` for 401.
- SalesOrders v3: RFC 7807 ``ProblemDetails`` / ``SalesOrderValidationProblemDetails`` (SO-v3 spec).
- Visma Connect: OAuth2 ``{"error", "error_description"}`` (RFC 6749 section 5.2).
"""

from __future__ import annotations

from typing import Any

from erpsim.replies import Reply, empty_reply, json_reply

# Codes the facts confirm; anything else uses GENERIC_FAULT_CODE (a sandbox choice, see docs).
NO_LICENSE = "12027"
COMPANY_CONTEXT = "12002"
GENERIC_FAULT_CODE = "10000"

VALIDATION_TITLE = "One or more validation errors occurred."
_PROBLEM_TYPES = {
    400: "https://tools.ietf.org/html/rfc7231#section-6.5.1",
    403: "https://tools.ietf.org/html/rfc7231#section-6.5.3",
    404: "https://tools.ietf.org/html/rfc7231#section-6.5.4",
    405: "https://tools.ietf.org/html/rfc7231#section-6.5.5",
    409: "https://tools.ietf.org/html/rfc7231#section-6.5.8",
    412: "https://tools.ietf.org/html/rfc7232#section-4.2",
    413: "https://tools.ietf.org/html/rfc7231#section-6.5.11",
    415: "https://tools.ietf.org/html/rfc7231#section-6.5.13",
    421: "https://tools.ietf.org/html/rfc7540#section-9.1.2",
    428: "https://tools.ietf.org/html/rfc6585#section-3",
    429: "https://tools.ietf.org/html/rfc6585#section-4",
    500: "https://tools.ietf.org/html/rfc7231#section-6.6.1",
    503: "https://tools.ietf.org/html/rfc7231#section-6.6.4",
}
_PROBLEM_TITLES = {
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    412: "Precondition Failed",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    421: "Misdirected Request",
    428: "Precondition Required",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class ApiError(Exception):
    """Raised anywhere in a handler; the app sends ``reply`` as it is."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


def ipp_exception(
    status: int, message: str, guid: str, fault_code: str = GENERIC_FAULT_CODE
) -> Reply:
    return json_reply(
        status,
        {
            "ExceptionType": "IPPException",
            "ExceptionMessage": message,
            "ExceptionFaultCode": fault_code,
            "ExceptionMessageID": f"{fault_code}_{guid}",
            "ExceptionDetails": "",
        },
    )


def visma_id_message(guid: str, text: str) -> str:
    """Business errors carry the ``VismaId: <guid>.`` prefix the ERP puts on them."""
    return f"VismaId: {guid}. {text}"


def financials_unauthorized(description: str) -> Reply:
    return json_reply(
        401,
        {"Message": "Authorization has been denied for this request."},
        [("WWW-Authenticate", f'Bearer error="invalid_token", error_description="{description}"')],
    )


def problem(status: int, detail: str | None = None, **extra: Any) -> Reply:
    body: dict[str, Any] = {
        "type": _PROBLEM_TYPES.get(status),
        "title": _PROBLEM_TITLES.get(status, "Error"),
        "status": status,
    }
    if detail is not None:
        body["detail"] = detail
    body.update(extra)
    return json_reply(status, body)


def validation_problem(details: list[dict[str, Any]], trace_id: str) -> Reply:
    """``SalesOrderValidationProblemDetails``: ``errors`` by field plus coded ``details``."""
    errors: dict[str, list[str]] = {}
    for item in details:
        field = item["parameters"].get("property", "$")
        errors.setdefault(field, []).append(item["message"])
    return json_reply(
        400,
        {
            "type": _PROBLEM_TYPES[400],
            "title": VALIDATION_TITLE,
            "status": 400,
            "traceId": trace_id,
            "errors": errors,
            "details": details,
        },
    )


def salesorders_unauthorized(description: str) -> Reply:
    # ASP.NET Core's JwtBearer answers 401 with an empty body and says why in WWW-Authenticate.
    return empty_reply(
        401,
        [("WWW-Authenticate", f'Bearer error="invalid_token", error_description="{description}"')],
    )


def insufficient_scope(required: str) -> Reply:
    # RFC 6750 section 3.1: the standard way to tell a client which scope it lacks.
    return empty_reply(
        403,
        [("WWW-Authenticate", f'Bearer error="insufficient_scope", scope="{required}"')],
    )


def oauth_error(error: str, description: str | None = None, status: int = 400) -> Reply:
    body = {"error": error}
    if description:
        body["error_description"] = description
    return json_reply(status, body, [("Cache-Control", "no-store"), ("Pragma", "no-cache")])
