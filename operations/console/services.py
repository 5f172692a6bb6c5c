"""Sending one console call: a pending row, the ERP call (no transaction open), then the result
and, for a write, the audit row in a second transaction.

The call goes through ``operations.erp.StaffClient`` (the tenant's erpclient in the interactive
lane, its token added on the wire and never seen here). A non-GET is never resent blindly:
erpclient retries only what is idempotent, and a form sent twice finds its first row.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from erpclient import Background, ErpError, Operation
from erpclient._reply import Reply
from erpclient.errors import BudgetError, ErpConnectionError
from erpspecs import OperationSpec
from portal import audit
from tenants.models import Tenant

from ..erp import Cost, StaffClient
from .answers import Answer, answer_of_error, answer_of_reply
from .forms import ConsoleRequest
from .models import CallState, ConsoleCall
from .paths import family_of, fill_path, full_path
from .policy import WAIT_CAP_SECONDS


@dataclass(frozen=True, slots=True)
class Sent:
    call: ConsoleCall
    answer: Answer | None
    error: ErpError | None
    cost: Cost | None
    # A second submit of the same form: nothing was sent again.
    repeated: bool = False


def _reply(reply: Reply) -> Reply:
    return reply


def _operation(op: OperationSpec, request: ConsoleRequest) -> Operation[Reply]:
    background = None
    if request.background == "none":
        background = Background.none()
    elif request.background == "subscription":
        background = Background.subscription()
    path = fill_path(op.path, request.path_values)
    return Operation(
        method=op.method,
        service=op.api.service,
        path_template=op.path,
        path=path,
        family=family_of(op.path),
        parse=_reply,
        params=request.query or None,
        json=request.body,
        if_match=request.if_match,
        background=background,
    )


def _start(
    *, actor, tenant: Tenant, op: OperationSpec, request: ConsoleRequest, submission
) -> tuple[ConsoleCall, bool]:
    fields: dict[str, Any] = {
        "tenant": tenant,
        "actor": actor,
        "actor_label": actor.email,
        "operation_key": op.key,
        "method": op.method,
        "path": full_path(fill_path(op.path, request.path_values), request.query)[:2000],
        "inputs": request.inputs,
        "submission": submission,
    }
    try:
        with transaction.atomic():
            return ConsoleCall.objects.create(**fields), False
    except IntegrityError:
        if submission is None:
            raise
        return ConsoleCall.objects.get(submission=submission), True


def console_send(
    *,
    actor,
    tenant: Tenant,
    op: OperationSpec,
    request: ConsoleRequest,
    submission: uuid.UUID | None = None,
) -> Sent:
    """Send ``request`` for ``tenant`` as ``actor`` and record it (who may send what is checked
    by the view, ``policy.refusal``)."""
    call, repeated = _start(
        actor=actor, tenant=tenant, op=op, request=request, submission=submission
    )
    if repeated:
        return Sent(call, None, None, None, repeated=True)
    answer: Answer | None = None
    error: ErpError | None = None
    cost: Cost | None = None
    started = time.perf_counter()
    with StaffClient(tenant, retry_after_cap=WAIT_CAP_SECONDS) as erp:
        try:
            reply = erp.client.request(_operation(op, request))
        except ErpError as raised:
            error = raised
        else:
            answer = answer_of_reply(reply, (time.perf_counter() - started) * 1000.0)
        duration = (time.perf_counter() - started) * 1000.0
        if error is not None:
            answer = answer_of_error(error, duration)
        cost = erp.cost()
    if isinstance(error, BudgetError):
        state = CallState.NOT_SENT
    elif isinstance(error, ErpConnectionError):
        state = CallState.NO_ANSWER
    else:
        state = CallState.ANSWERED
    with transaction.atomic():
        call.state = state
        call.status = answer.status if answer else None
        call.duration_ms = duration
        call.error_kind = error.kind if error else ""
        call.remaining = answer.remaining if answer and answer.remaining is not None else None
        if call.remaining is None and cost is not None and state is not CallState.NOT_SENT:
            call.remaining = cost.remaining
        call.answered_at = timezone.now()
        call.save(
            update_fields=[
                "state",
                "status",
                "duration_ms",
                "error_kind",
                "remaining",
                "answered_at",
            ]
        )
        if op.is_write:
            audit.record(
                actor=actor,
                action="console.write",
                target=tenant,
                details={
                    "method": op.method,
                    "path": call.path,
                    "operation": op.key,
                    "state": state.value,
                    "status": call.status,
                    "console_call": call.pk,
                },
            )
    return Sent(call, answer, error, cost)
