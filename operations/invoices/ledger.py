"""The company's accounts and subaccounts for prebooking, cached (operations.lookups)."""

from __future__ import annotations

from erpclient import ErpClient
from erpclient.models.ledger import Subaccount
from tenants.models import Tenant

from .. import lookups


def active_accounts(tenant: Tenant, client: ErpClient) -> dict[str, str]:
    """``{account number: description}`` of the active accounts."""

    def fetch():
        page = client.ledger.accounts(page_size=500, active=True)
        rows = [{"number": a.number, "description": a.description or ""} for a in page.items]
        return rows, not page.has_next

    found = lookups.cached(tenant, lookups.ACCOUNTS, "active", fetch)
    return {row["number"]: row["description"] for row in found.rows if row["number"]}


def subaccounts(tenant: Tenant, client: ErpClient) -> dict[str, Subaccount]:
    def fetch():
        page = client.ledger.subaccounts(page_size=500, active=True)
        return [dict(s.raw) for s in page.items], not page.has_next

    found = lookups.cached(tenant, lookups.SUBACCOUNTS, "active", fetch)
    made = (Subaccount.from_dict(row) for row in found.rows)
    return {s.subaccount_number: s for s in made if s.subaccount_number}
