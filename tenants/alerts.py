"""usage's throttling alerts, heard through ``USAGE_ALERT_HANDLERS`` (portal/settings.py).

An alert fires on the ERP call path, even from the Redis limiter's sender thread, so nothing is
written here: the alert is queued for a worker once the caller's transaction commits, and the
``tenants.report_throttling`` task opens or refreshes the tenant's issue through
``health.issue_report_throttling``, audited as the system.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from . import tasks


def throttling_seen(*, client_id: str, tenant_id: str, kind: str, details: dict[str, Any]) -> None:
    kwargs = {"client_id": client_id, "tenant_id": tenant_id, "kind": kind, "details": details}
    transaction.on_commit(lambda: tasks.report_throttling.delay(**kwargs))
