"""The same refusal in each service's own shape (Financials, SalesOrders v3, Connect, /_sandbox)."""

from __future__ import annotations

from erpsim import errors
from erpsim.call import CONNECT, CONTROL, SALESORDERS, STATUSPAGE, Call
from erpsim.replies import Reply, json_reply
from erpsim.throttle import HOURLY_POLICY, Verdict


def unauthorized(call: Call, why: str) -> Reply:
    if call.api == SALESORDERS:
        return errors.salesorders_unauthorized(why)
    return errors.financials_unauthorized(why)


def no_company(call: Call, why: str) -> Reply:
    if call.api == SALESORDERS:
        return errors.salesorders_unauthorized(why)
    return errors.ipp_exception(400, why, call.request_id, errors.COMPANY_CONTEXT)


def too_many(call: Call, refusal: Verdict) -> Reply:
    headers = refusal.headers()
    if refusal.policy == HOURLY_POLICY:
        # The hourly window is enforced by the API gateway; its body is the gateway's default.
        reply = json_reply(429, {"statusCode": 429, "message": refusal.message})
    elif call.api == SALESORDERS:
        reply = errors.problem(429, refusal.message)
    else:
        reply = errors.ipp_exception(429, refusal.message, call.request_id)
    reply.headers.extend(headers)
    return reply


def server_error(call: Call) -> Reply:
    if call.api == CONNECT:
        return errors.oauth_error("server_error", status=500)
    if call.api in (CONTROL, STATUSPAGE):
        return json_reply(500, {"error": "The sandbox failed; see its log."})
    if call.api == SALESORDERS:
        return errors.problem(500, "An unexpected error occurred.")
    message = errors.visma_id_message(call.request_id, "An error has occurred.")
    return errors.ipp_exception(500, message, call.request_id)


def gateway_timeout(call: Call) -> Reply:
    return json_reply(504, {"statusCode": 504, "message": "The backend did not answer in time."})


def too_large(call: Call, limit: int) -> Reply:
    text = f"The request body exceeds the limit of {limit} bytes."
    if call.api == SALESORDERS:
        reply = errors.problem(413, text)
    elif call.api == CONNECT:
        reply = errors.oauth_error("invalid_request", text, status=413)
    elif call.api in (CONTROL, STATUSPAGE):
        reply = json_reply(413, {"error": text})
    else:
        reply = errors.ipp_exception(413, text, call.request_id)
    reply.headers.append(("Connection", "close"))
    return reply


def not_found(call: Call) -> Reply:
    if call.api == SALESORDERS:
        return errors.problem(404)
    if call.api in (CONTROL, STATUSPAGE):
        return json_reply(404, {"error": f"No sandbox endpoint at {call.path}"})
    if call.api == CONNECT:
        return json_reply(404, {"error": "not_found"})
    return json_reply(
        404, {"Message": f"No HTTP resource was found that matches the request URI '{call.uri}'."}
    )


def method_not_allowed(call: Call, allowed: list[str]) -> Reply:
    headers = [("Allow", ", ".join(allowed))]
    if call.api == SALESORDERS:
        reply = errors.problem(405)
    elif call.api in (CONTROL, CONNECT, STATUSPAGE):
        reply = json_reply(405, {"error": f"{call.method} is not allowed here"})
    else:
        reply = json_reply(
            405,
            {"Message": f"The requested resource does not support http method '{call.method}'."},
        )
    reply.headers.extend(headers)
    return reply


def error_text(reply: Reply) -> str:
    try:
        body = reply.json()
    except ValueError:
        return reply.body.decode("utf-8", errors="replace")[:500]
    if isinstance(body, dict):
        for key in ("ExceptionMessage", "Message", "detail", "title", "message"):
            if body.get(key):
                return str(body[key])
    return f"HTTP {reply.status}"


def wrong_host(call: Call) -> Reply:
    """421 for a ``Host`` that is not a loopback name (DNS rebinding), in each service's shape."""
    host = call.header("host") or ""
    text = (
        f"The sandbox answers only to loopback host names (localhost, 127.0.0.1, ::1), not "
        f"'{host}'. Start it with --allowed-host to add a name."
    )
    if call.api == SALESORDERS:
        return errors.problem(421, text)
    if call.api in (CONTROL, CONNECT, STATUSPAGE):
        return json_reply(421, {"error": text})
    return json_reply(421, {"Message": text})


def not_json(call: Call) -> Reply:
    return json_reply(415, {"error": "Send the body as application/json (an empty body is {})."})
