"""Who must act on a problem: the one list the whole portal uses (health issues, ERP errors)."""

from __future__ import annotations

import enum


class Owner(enum.StrEnum):
    ISV = "isv"
    CUSTOMER_ADMIN = "customer_admin"
    CUSTOMER_INTEGRATION_ADMIN = "customer_integration_admin"
    VISMA = "visma"

    @property
    def label(self) -> str:
        return OWNER_LABELS[self]


OWNER_LABELS: dict[Owner, str] = {
    Owner.ISV: "ISV (us)",
    Owner.CUSTOMER_ADMIN: "Customer administrator (Visma.net Admin)",
    Owner.CUSTOMER_INTEGRATION_ADMIN: "Customer integration administrator (Visma App Store)",
    Owner.VISMA: "Visma",
}
