"""Visma.net buttons: an ERP automation action ("action triggered" event) starts a portal action.

A customer adds a button to a Visma.net screen (an automation action with a webhook parameter);
pressing it sends an "action triggered" event through the dispatcher (operations-facts C9). An
admin maps (event, parameter) to one of three portal actions: check this tenant now, refresh this
document, or record a note for staff. Each mapping change and each press is audited; a press
nobody mapped is stored and shown, never dropped.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from portal import audit
from tenants.health import check_tenant
from tenants.models import CheckTrigger
from webhooks.handlers import Event

from .events import document_of, request_refresh, tenant_for
from .refresh import Kind
from .webhook_models import (
    AutomationAction,
    AutomationMapping,
    AutomationRun,
    AutomationRunStatus,
)

# The document each action event names (the sandbox's and Visma's event ids).
ACTION_KINDS: dict[str, Kind] = {
    "SALESORDER_UI_CUSTOMACTION": Kind.SALES_ORDER,
    "customer_actiontriggered": Kind.CUSTOMER,
    "supplier_actiontriggered": Kind.SUPPLIER,
    "inventoryitem_actiontriggered": Kind.INVENTORY_ITEM,
}
ACTION_SUFFIX = "_actiontriggered"


def is_action_event(event_type: str) -> bool:
    return event_type in ACTION_KINDS or event_type.lower().endswith(ACTION_SUFFIX)


def mapping_for(event_type: str, parameter: str) -> AutomationMapping | None:
    """The active mapping for this event and parameter, else for the event with any parameter."""
    candidates = AutomationMapping.objects.filter(
        event_type=event_type, parameter__in=[parameter, ""], active=True
    )
    return min(candidates, key=lambda mapping: mapping.parameter == "", default=None)


def on_action_event(event: Event) -> str:
    tenant = tenant_for(event)
    payload = event.payload if isinstance(event.payload, dict) else {}
    parameter = str(payload.get("parameter") or "")[:200]
    entity = str(payload.get("entityId") or "")[:100]
    done = AutomationRun.objects.filter(
        delivery_id=event.delivery_id, status__in=[AutomationRunStatus.DONE]
    ).first()
    if done is not None:  # a reprocess of a press already carried out
        return f"Already done: {done.outcome}"
    mapping = mapping_for(event.event_type, parameter)
    check_run = None
    if mapping is None:
        status = AutomationRunStatus.UNMAPPED
        outcome = (
            f"No mapping for {event.event_type}"
            + (f" “{parameter}”" if parameter else "")
            + ": an admin can map it under Operations → Visma.net buttons."
        )
    else:
        status = AutomationRunStatus.DONE
        try:
            outcome, check_run = _carry_out(mapping, event, tenant, entity)
        except Exception as failure:
            _record(
                event,
                tenant,
                parameter,
                entity,
                mapping,
                AutomationRunStatus.FAILED,
                f"{type(failure).__name__}: {failure}",
                None,
            )
            raise
    _record(event, tenant, parameter, entity, mapping, status, outcome, check_run)
    return outcome


def _carry_out(mapping: AutomationMapping, event: Event, tenant, entity: str):
    if mapping.action == AutomationAction.CHECK_TENANT:
        run = check_tenant(tenant=tenant, trigger=CheckTrigger.AUTOMATION)
        return f"Checked {tenant.display_name}: {run.get_outcome_display().lower()}.", run
    if mapping.action == AutomationAction.REFRESH_DOCUMENT:
        kind = ACTION_KINDS.get(event.event_type)
        if kind is None:
            return f"{event.event_type} names no document the portal refreshes.", None
        document = document_of(event)
        request_refresh(
            tenant=tenant, kind=kind, document_id=document, notification_id=event.notification_id
        )
        return f"Refresh of {kind.value.replace('_', ' ')} {document} queued.", None
    return f"Note for staff: {mapping.note or '(no text)'}", None


def _record(event, tenant, parameter, entity, mapping, status, outcome, check_run) -> None:
    with transaction.atomic():
        run, _ = AutomationRun.objects.update_or_create(
            delivery_id=event.delivery_id,
            defaults={
                "tenant": tenant,
                "event_type": event.event_type[:100],
                "parameter": parameter,
                "entity_id": entity,
                "mapping": mapping,
                "action": mapping.action if mapping else "",
                "status": status,
                "outcome": outcome[:500],
                "check_run": check_run,
            },
        )
        audit.record(
            actor=None,
            action="operations.automation_run",
            target=run,
            details={"status": status, "event": run.event_type, "parameter": parameter},
        )


# --- the mapping, edited by admins -------------------------------------------------------------


def mapping_create(
    *, actor, event_type: str, parameter: str, action: str, note: str = ""
) -> AutomationMapping:
    event_type, parameter = event_type.strip(), parameter.strip()
    if not is_action_event(event_type):
        raise ValidationError(
            {"event_type": "Choose an “action triggered” event, e.g. SALESORDER_UI_CUSTOMACTION."}
        )
    if action == AutomationAction.NOTE and not note.strip():
        raise ValidationError({"note": "Write the note staff should read."})
    try:
        with transaction.atomic():
            mapping = AutomationMapping.objects.create(
                event_type=event_type,
                parameter=parameter,
                action=action,
                note=note.strip(),
                created_by=actor,
            )
            audit.record(
                actor=actor,
                action="operations.automation_mapping_create",
                target=mapping,
                details={"event": event_type, "parameter": parameter, "action": action},
            )
    except IntegrityError:
        raise ValidationError(
            {"parameter": "This event and parameter are mapped already; change that mapping."}
        ) from None
    return mapping


def mapping_set_active(*, actor, mapping: AutomationMapping, active: bool) -> None:
    with transaction.atomic():
        AutomationMapping.objects.filter(pk=mapping.pk).update(active=active)
        audit.record(
            actor=actor,
            action=(
                "operations.automation_mapping_enable"
                if active
                else "operations.automation_mapping_disable"
            ),
            target=mapping,
        )
