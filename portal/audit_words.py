"""What each audit action means, in the words staff read on the audit log.

The one home for action codes: ``audit.record`` refuses a code that is not listed here, so a new
kind of change cannot reach the log without its words. The code stays what is stored and what the
filter puts in the URL; the words are only for people.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.text import capfirst

ACTIONS: dict[str, str] = {
    # Staff and sign-in
    "user.invited": "Staff member invited",
    "user.invitation_resent": "Invitation sent again",
    "user.invitation_accepted": "Invitation accepted",
    "user.role_changed": "Role changed",
    "user.deactivated": "Staff member deactivated",
    "user.reactivated": "Staff member reactivated",
    "user.seeded": "Demo account created",
    "user.signed_in": "Signed in",
    "user.sign_in_failed": "Sign-in refused",
    "user.locked_out": "Sign-in locked after repeated failures",
    "user.mfa_added": "Two-factor authentication added",
    "user.mfa_removed": "Two-factor authentication removed",
    "user.mfa_reset": "Two-factor recovery codes renewed",
    "user.mfa_failed": "Two-factor code refused",
    "encryption.keys_rotated": "Stored secrets re-encrypted with the new key",
    # Customers, tenants and their API clients
    "customer.created": "Customer added",
    "customer.updated": "Customer changed",
    "tenant.created": "Tenant added",
    "tenant.updated": "Tenant changed",
    "tenant.activated": "Tenant activated after a passing check",
    "tenant.suspended": "Tenant suspended",
    "tenant.offboarded": "Tenant offboarded",
    "tenant.reactivated": "Tenant reactivated",
    "tenant.check_requested": "Health check requested",
    "tenants.imported": "Tenants imported from a CSV file",
    "tenants.erp_outage_resolved": "Visma outage over: affected tenants checked again",
    "api_client.created": "API client added",
    "api_client.updated": "API client changed",
    "api_client.secret_changed": "API client secret replaced",
    "issue.reported": "Health issue reported",
    "issue.muted": "Health issue muted",
    "issue.unmuted": "Health issue unmuted",
    "usage.reserve_changed": "Background reserve changed",
    # Documents in the ERP
    "sales_order.create": "Sales order sent to the ERP",
    "sales_order.create_held": "Sales order held back (not sent)",
    "sales_order.settle": "Sales order outcome recorded",
    "operations.job_queued": "Document action queued",
    "operations.invoice_updated": "Supplier invoice changed",
    "console.write": "Write sent from the API console",
    "operations.automation_mapping_create": "Visma.net button mapped to a portal action",
    "operations.automation_mapping_enable": "Visma.net button mapping turned on",
    "operations.automation_mapping_disable": "Visma.net button mapping turned off",
    "operations.automation_run": "Visma.net button pressed",
    # Inbound webhooks
    "webhooks.subscription_create": "Webhook subscription added",
    "webhooks.signing_key_add": "Webhook signing key added",
    "webhooks.signing_key_retire": "Webhook signing key retired",
    "webhooks.statuspage_url_create": "Status page address created",
    "webhooks.statuspage_url_retire": "Status page address retired",
    "webhooks.delivery_reprocess": "Webhook delivery processed again",
    "webhooks.deliveries_reprocess_range": "Webhook deliveries processed again (a time range)",
    "webhooks.silence_alarm_open": "Webhook source went silent",
    "webhooks.silence_alarm_resolve": "Webhook source heard from again",
}

# Codes earlier versions wrote: still shown in words, never written again.
RETIRED: dict[str, str] = {
    "apiclient.updated": "API client changed (as an earlier version recorded it)",
}

_ALL = {**ACTIONS, **RETIRED}


def is_known(code: str) -> bool:
    return code in ACTIONS


def action_in_words(code: str) -> str:
    return _ALL.get(code) or _humanise(code)


def codes_described_by(text: str) -> list[str]:
    """The codes whose words contain ``text``: a search for "invited" finds "user.invited"."""
    text = text.strip().lower()
    return [code for code, words in _ALL.items() if text and text in words.lower()]


def target_type_in_words(target_type: str) -> str:
    """``tenants.tenant`` → "Tenant": the model's own name where the type is a model."""
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return _humanise(target_type)
    return capfirst(str(model._meta.verbose_name))


def detail_key_in_words(key: str) -> str:
    return capfirst(str(key).replace("_", " "))


def _humanise(code: str) -> str:
    return capfirst(code.rsplit(".", 1)[-1].replace("_", " "))
