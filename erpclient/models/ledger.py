"""General-ledger accounts and subaccounts (``AccountDto``, ``SubAccountDto``)."""

from __future__ import annotations

from typing import Any

from ._base import ErpModel, erp_model, spec


@erp_model
class Account(ErpModel):
    account_cd: str | None = spec("accountCD")
    description: str | None = spec()
    type: str | None = spec()
    active: bool | None = spec()

    @property
    def number(self) -> str | None:
        return self.account_cd


@erp_model
class Subaccount(ErpModel):
    subaccount_number: str | None = spec()
    subaccount_id: int | None = spec()
    description: str | None = spec()
    active: bool | None = spec()
    segments: list[dict[str, Any]] = spec(default=[])

    def segment_values(self) -> dict[int, str]:
        """``{segmentId: segmentValue}``, what prebooking sends."""
        return {
            int(s["segmentId"]): str(s["segmentValue"])
            for s in self.segments
            if isinstance(s, dict) and "segmentId" in s and "segmentValue" in s
        }
