"""The parts of Operations, each for one capability, listed on the index and in each tenant's row.

Each part adds itself here with the URL names of its list across tenants and of its page for one
tenant (taking the tenant's pk). A part whose URLs do not exist yet is simply not shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from portal.pk_urls import pk_url
from portal.roles import OPERATE, VIEW

from .access import Capability


@dataclass(frozen=True, slots=True)
class Section:
    label: str
    capability: Capability | None
    description: str
    index_url_name: str
    tenant_url_name: str | None = None
    # Who sees the part at all (the part's views check the same permission).
    permission: str = VIEW

    def index_url(self) -> str | None:
        try:
            return reverse(self.index_url_name)
        except NoReverseMatch:
            return None

    def tenant_url(self, tenant_pk: int) -> str | None:
        if self.tenant_url_name is None:
            return None
        try:
            return pk_url(self.tenant_url_name, tenant_pk)  # one reverse for every row
        except NoReverseMatch:
            return None


SECTIONS: tuple[Section, ...] = (
    Section(
        "Sales orders",
        Capability.SALES_ORDERS,
        "Create v3 sales orders (lines with purchase-order source) exactly once, and see the "
        "orders the portal created and the company's own.",
        "operations:orders",
        "operations:tenant_orders",
    ),
    Section(
        "Supplier invoices",
        Capability.FINANCIALS,
        "Release, prebook, void, send to approval, reverse, correct and attach files, on the "
        "version you saw (If-Match), through the Background API.",
        "operations:invoices",
        "operations:tenant_invoices",
    ),
    Section(
        "Supplier payments",
        Capability.FINANCIALS,
        "Release supplier payments on the version you saw.",
        "operations:payments",
        "operations:tenant_payments",
    ),
    Section(
        "Background jobs",
        None,
        "Every action queued in the ERP's Background API, from sent to verified by a GET.",
        "operations:jobs",
        "operations:tenant_jobs",
    ),
    Section(
        "Visma.net buttons",
        None,
        "Automation actions customers add to Visma.net screens, mapped to a portal action: "
        "check the tenant, refresh the document, or a note for staff.",
        "operations:automation",
    ),
    Section(
        "API console",
        None,
        "Try any ERP call for a tenant without seeing its token, within its budget, recorded.",
        "operations:console_index",
        "operations:console",
        permission=OPERATE,
    ),
)


def available(user=None) -> list[Section]:
    """The parts that exist, and of them those ``user`` (if given) may open."""
    return [
        section
        for section in SECTIONS
        if section.index_url() is not None and (user is None or user.has_perm(section.permission))
    ]
