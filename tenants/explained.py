"""A failed check step's error as the error guide reads it, from what the step stored.

A check run keeps each failed step's error as plain details (``tenants.checks.error_details``,
scrubbed of secrets); the error is rebuilt from them as the erpclient class it was, so the tenant's
check steps show the same explanation as every other page that shows an ERP error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings

from erpclient import errors
from errorguide import explain
from portal.erp_errors import ShownReading, shown

from .links import error_links
from .models import Tenant


def _error(details: Mapping[str, Any]) -> errors.ErpError:
    kind = getattr(errors, str(details.get("error", "")), None)
    fields = {
        "status": details.get("status"),
        "fault_code": details.get("fault_code") or None,
        "message_id": details.get("message_id") or None,
        "request_id": details.get("request_id") or None,
        "method": details.get("method") or None,
        "path": details.get("path") or None,
        "body": details.get("raw") or None,
    }
    message = str(details.get("message") or "")
    if isinstance(kind, type) and issubclass(kind, errors.ErpError):
        try:
            return kind(message, **fields)
        except TypeError:
            pass  # a class that needs more than a stored step keeps (the budget's reason)
    return errors.ErpError(message, **fields)


def step_reading(tenant: Tenant, details: Mapping[str, Any] | None) -> ShownReading | None:
    """The guide's reading of a failed step's stored error, with the tenant's links; None when
    the step stored no ERP error."""
    if not details or not details.get("error"):
        return None
    reading = explain(
        _error(details),
        company=tenant.erp_company_name or tenant.name,
        isv=settings.TENANTS_ISV_NAME,
    )
    return shown(reading, error_links(tenant))
