"""The ERP client for a staff action, and what the action cost.

A person waits at the console for every call made here: the interactive lane of the budget and
the short interactive timeout. Each page that calls the ERP says how many calls it made and how
much of the company's hour is left (``Cost``), so staff see what browsing costs the customer.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings

from erpclient import ErpClient, Priority
from erpclient.config import TOKEN_FAMILY
from erpclient.recording import CallRecord, Recorder
from tenants.erp import erp_for
from tenants.models import Tenant
from usage.recorder import get_recorder
from usage.selectors import budget_state


class CountingRecorder:
    """Counts the ERP calls (attempts) of one client and hands every record on to the ledger.
    Visma Connect token calls are not counted: they do not use the company's budget."""

    def __init__(self, inner: Recorder) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.calls = 0

    def record(self, call: CallRecord) -> None:
        if call.endpoint_family != TOKEN_FAMILY:
            with self._lock:
                self.calls += 1
        self._inner.record(call)


@dataclass(frozen=True, slots=True)
class Cost:
    """What a page's ERP work cost: its calls, and the company's hour after them."""

    calls: int
    used: int
    limit: int
    remaining: int
    resets_at: datetime
    reason: str


class StaffClient:
    """``with StaffClient(tenant) as erp: erp.client.sales_orders...; erp.cost()``"""

    def __init__(self, tenant: Tenant, **options: Any) -> None:
        self.tenant = tenant
        self.recorder = CountingRecorder(get_recorder())
        options.setdefault("timeout", settings.OPERATIONS_TIMEOUT_SECONDS)
        self.client: ErpClient = erp_for(
            tenant, priority=Priority.INTERACTIVE, recorder=self.recorder, **options
        )

    def __enter__(self) -> StaffClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    @property
    def calls(self) -> int:
        return self.recorder.calls

    def cost(self) -> Cost:
        state = budget_state(
            client_id=self.tenant.api_client.client_id, tenant_id=self.tenant.tenant_id
        )
        return Cost(
            calls=self.calls,
            used=state.used,
            limit=state.limit,
            remaining=state.remaining,
            resets_at=state.resets_at,
            reason=state.reason,
        )
