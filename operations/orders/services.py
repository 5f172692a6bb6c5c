"""Writes of sales orders: create exactly once, settle an outcome the ERP did not give, and take
the next own order number.

``order_create`` follows the one rule for ERP writes: a pending row first (its own transaction,
the form's token in a unique column), then the ERP call outside any transaction, then the result
and the audit row in a second transaction. The create is sent ``idempotent=True`` only with our
own order number: the client may then resend it after a lost answer, and a resend the ERP already
carried out answers 409 instead of making a second order. Without a number nothing is resent; a
lost answer leaves the outcome unknown, and the page says so.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from erpclient import errors
from errorguide import explain
from portal import audit, times
from tenants.models import Tenant
from usage.selectors import budget_state

from .. import list_reads
from ..erp import StaffClient
from ..refresh import Kind
from .models import OrderNumberSequence, Outcome, PortalOrder


class OrderHeld(Exception):
    """Nothing was sent: the company's budget (or the ERP's throttling) holds the create.
    ``message`` says why and until when; the form keeps what was typed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class CreateResult:
    order: PortalOrder
    # A second submit of a form already sent: nothing was sent this time.
    repeated: bool = False
    # The ERP's error when it refused (shown through the error guide), else None.
    error: errors.ErpError | None = None


@dataclass(slots=True)
class _Answer:
    outcome: Outcome
    detail: str = ""
    erp_order_id: str = ""
    etag: str = ""
    settled_by: str = ""
    error: errors.ErpError | None = None
    codes: list[list[str | None]] = field(default_factory=list)


def held_message(tenant: Tenant, error: errors.ErpError) -> str:
    """Why a create was not sent and until when, in the company's figures: "Nordlys Handel AS
    has used 498 of 500 calls this hour; the window resets at 14:00 UTC"."""
    company = tenant.display_name
    if isinstance(error, errors.RepeatedRequestRefused):
        return (
            f"Not sent: {error.reason}. The ERP punishes repeating it, so the portal holds it; "
            "change the order or wait, then create again."
        )
    state = budget_state(client_id=tenant.api_client.client_id, tenant_id=tenant.tenant_id)
    if state.blocked_until is not None or isinstance(error, errors.RateLimited):
        until = state.blocked_until or state.resets_at
        return (
            f"The ERP refused further calls for {company} (429 Too Many Requests); calls are "
            f"held until {times.shown(until, 'time')}. Nothing was sent: create again after that."
        )
    return (
        f"{company} has used {state.used:,} of {state.limit:,} calls this hour; the window resets "
        f"at {times.shown(state.resets_at, 'time')}. Nothing was sent: create again after that."
    )


def _codes(error: errors.ValidationFailed) -> list[list[str | None]]:
    return [[code, message, prop] for code, message, prop in error.error_codes]


def _reading_text(tenant: Tenant, error: errors.ErpError) -> str:
    reading = explain(error, company=tenant.display_name)
    return " ".join(
        f"{e.title}{f' ({e.code})' if e.code else ''}: {e.meaning}" for e in reading.explanations
    )


def _settle_by_get(erp: StaffClient, *, order_type: str, number: str, customer_id: str) -> _Answer:
    """Ask the ERP whether order ``number`` exists, after its answer to the create was lost."""
    try:
        found = erp.client.sales_orders.get(order_type, number)
    except errors.NotFound:
        return _Answer(
            Outcome.UNKNOWN,
            f"The ERP did not answer the create, and has no order {order_type} {number} now. "
            "It may still be working on it: check again in a minute. If it is still missing "
            "then, open a new form and create the order again.",
        )
    except errors.ErpError as error:
        return _Answer(
            Outcome.UNKNOWN,
            f"The ERP did not answer the create, and could not be asked whether order "
            f"{order_type} {number} exists ({error.message}). Check again in a minute; do not "
            "create it again before you know.",
            error=error,
        )
    found_customer = found.customer.id if found.customer else None
    if found_customer != customer_id:
        return _Answer(
            Outcome.REJECTED,
            f"Order number {number} is already used in the ERP by an order for customer "
            f"{found_customer}, so this one was not created. Use another number.",
        )
    return _Answer(
        Outcome.CREATED,
        erp_order_id=number,
        etag=found.etag or "",
        settled_by="get",
        detail="The ERP's answer to the create was lost; a GET found the order.",
    )


def _send(tenant: Tenant, command: dict[str, Any]) -> _Answer:
    order_type = command["type"]
    number = command.get("orderId") or ""
    customer_id = command["customer"]["id"]
    with StaffClient(tenant) as erp:
        try:
            created = erp.client.sales_orders.create(command, idempotent=bool(number))
        except (errors.BudgetError, errors.RateLimited):
            raise
        except errors.ValidationFailed as error:
            return _Answer(
                Outcome.REJECTED,
                "The ERP refused the order; each problem is shown on its field and line.",
                error=error,
                codes=_codes(error),
            )
        except errors.Conflict as error:
            if number and erp.calls > 1:
                # Our own earlier attempt of this very create may have made the order before
                # its answer was lost: the ERP knows.
                return _settle_by_get(
                    erp, order_type=order_type, number=number, customer_id=customer_id
                )
            return _Answer(
                Outcome.REJECTED,
                f"Order number {number} is already taken in the ERP. Use another number.",
                error=error,
            )
        except (errors.ErpConnectionError, errors.ServerError) as error:
            if number:
                return _settle_by_get(
                    erp, order_type=order_type, number=number, customer_id=customer_id
                )
            return _Answer(
                Outcome.UNKNOWN,
                f"The ERP did not answer ({error.message}). This order type numbers its orders "
                "itself, so the portal cannot ask whether the order was made. Look for it in "
                f"the ERP's orders of customer {customer_id} before creating it again.",
                error=error,
            )
        except errors.ErpError as error:
            return _Answer(Outcome.REJECTED, _reading_text(tenant, error), error=error)
    return _Answer(
        Outcome.CREATED,
        erp_order_id=created.order_id or number,
        etag=created.etag or "",
        settled_by="answer",
    )


def _audit_details(order: PortalOrder) -> dict[str, Any]:
    return {
        "tenant": order.tenant.tenant_id,
        "company": order.tenant.display_name,
        "order_type": order.order_type,
        "order_id": order.number,
        "outcome": order.outcome,
        "lines": order.lines_count,
    }


def order_create(
    *, actor, tenant: Tenant, token: uuid.UUID, command: dict[str, Any], customer_name: str = ""
) -> CreateResult:
    """Send ``command`` (a ``NewSalesOrderCommand``) once for the form ``token``.

    Raises ``OrderHeld`` when nothing was sent (the form may be sent again), and
    ``ValidationError`` when our own number is already used by another of the portal's orders."""
    number = command.get("orderId") or ""
    try:
        with transaction.atomic():
            order = PortalOrder.objects.create(
                tenant=tenant,
                created_by=actor,
                token=token,
                order_type=command["type"],
                own_number=number,
                customer_id=command["customer"]["id"],
                customer_name=customer_name[:255],
                lines_count=len(command.get("orderLines") or ()),
                command=command,
            )
    except IntegrityError:
        first = PortalOrder.objects.filter(token=token).select_related("tenant").first()
        if first is not None:
            return CreateResult(first, repeated=True)
        raise ValidationError(
            {
                "order_id": f"Order number {number} is already used by an order the portal sent "
                "for this company. Use another number."
            }
        ) from None

    try:
        answer = _send(tenant, command)
    except (errors.BudgetError, errors.RateLimited) as error:
        message = held_message(tenant, error)
        with transaction.atomic():
            audit.record(
                actor=actor,
                action="sales_order.create_held",
                target=tenant,
                details={
                    "tenant": tenant.tenant_id,
                    "order_type": order.order_type,
                    "order_id": number,
                    "outcome": "not sent",
                    "reason": message,
                },
            )
            # Nothing reached the ERP: the same form may be sent again.
            order.delete()
        raise OrderHeld(message) from error
    except BaseException:
        # The row must not stay pending for ever if the call blew up in an unexpected way.
        _finish(
            order,
            _Answer(Outcome.UNKNOWN, "The portal failed while sending; check the ERP."),
            actor,
        )
        raise
    _finish(order, answer, actor)
    # Whatever the answer, the ERP's list of orders may have changed: read it again.
    list_reads.lists_changed(tenant.pk, Kind.SALES_ORDER)
    return CreateResult(order, error=answer.error)


def _finish(order: PortalOrder, answer: _Answer, actor) -> None:
    order.outcome = answer.outcome
    order.outcome_detail = answer.detail
    order.erp_order_id = answer.erp_order_id or order.erp_order_id
    order.etag = answer.etag[:200]
    order.settled_by = answer.settled_by
    order.error_codes = answer.codes
    if answer.error is not None:
        order.erp_status = answer.error.status
        order.request_id = (answer.error.request_id or "")[:100]
    order.settled_at = timezone.now()
    with transaction.atomic():
        order.save()
        audit.record(
            actor=actor,
            action="sales_order.create",
            target=order,
            target_label=f"{order.tenant.display_name}: {order}",
            details=_audit_details(order),
        )


def order_settle(*, actor, order: PortalOrder) -> PortalOrder:
    """Ask the ERP whether an order whose create went unanswered exists (own number only)."""
    unknown = order.outcome == Outcome.UNKNOWN or order.is_stale_pending()
    if not unknown or not order.own_number:
        raise ValidationError(
            "Only an order with its own number whose outcome is unknown can be checked."
        )
    with StaffClient(order.tenant) as erp:
        answer = _settle_by_get(
            erp,
            order_type=order.order_type,
            number=order.own_number,
            customer_id=order.customer_id,
        )
    order.outcome = answer.outcome
    order.outcome_detail = answer.detail
    order.erp_order_id = answer.erp_order_id or order.erp_order_id
    order.etag = answer.etag[:200] or order.etag
    order.settled_by = answer.settled_by or order.settled_by
    order.settled_at = timezone.now()
    with transaction.atomic():
        order.save()
        audit.record(
            actor=actor,
            action="sales_order.settle",
            target=order,
            target_label=f"{order.tenant.display_name}: {order}",
            details=_audit_details(order),
        )
    return order


def own_number_take(*, tenant: Tenant) -> str:
    """The next own order number of ``tenant``; each rendered form takes its own (gaps are
    harmless, a number used twice is not)."""
    with transaction.atomic():
        sequence, _ = OrderNumberSequence.objects.select_for_update().get_or_create(tenant=tenant)
        number = sequence.format(sequence.next_number)
        sequence.next_number += 1
        sequence.save(update_fields=["next_number"])
    return number
