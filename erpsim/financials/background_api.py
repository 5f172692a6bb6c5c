"""``GET /v1/background/{id}`` and ``/content`` (OAS-2025 Background paths)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from erpsim.background import BackgroundOperation
from erpsim.call import Call
from erpsim.financials.common import failure
from erpsim.replies import Reply, json_reply

if TYPE_CHECKING:
    from erpsim.app import SandboxApp


def _operation(call: Call, app: SandboxApp) -> BackgroundOperation:
    operation = app.sandbox.background.get(call.params["requestId"])
    if operation is None:
        raise failure(call, 404, "No background operation state was found.")
    assert call.company is not None and call.client is not None
    if (
        operation.company_id != call.company.company_id
        or operation.client_id != call.client.client_id
    ):
        raise failure(
            call,
            403,
            "State request was not done by same company/user as for the background operation "
            "request.",
        )
    return operation


def state(call: Call, app: SandboxApp) -> Reply:
    operation = _operation(call, app)
    if operation.expired:
        raise failure(call, 404, "No background operation state was found.")
    return json_reply(200, operation.state_document(call.base_url))


def content(call: Call, app: SandboxApp) -> Reply:
    operation = _operation(call, app)
    if operation.expired:
        raise failure(call, 410, "State for background operation has been removed after 24 hours.")
    if not operation.done or not operation.response_body:
        raise failure(call, 404, "No background operation response content was found.")
    return Reply(200, operation.response_body, operation.response_content_type)
