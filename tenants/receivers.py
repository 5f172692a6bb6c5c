"""Signal receivers: usage's throttling alerts become the tenant's health issues."""

from __future__ import annotations

from typing import Any

from .health import issue_report_throttling


def on_throttling(
    sender: Any, *, client_id: str, tenant_id: str, kind: str, details: dict, **kwargs: Any
) -> None:
    issue_report_throttling(client_id=client_id, tenant_id=tenant_id, kind=kind, details=details)
