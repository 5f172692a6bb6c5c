"""An ERP error as a person reads it: the error guide's reading with its links made into URLs.

Every page that shows an ERP error (the order form, invoice actions, job pages, the API console,
a tenant's check steps) renders ``templates/portal/_erp_error.html`` with ``shown(...)``; the app
that knows the tenant supplies the URLs (``tenants.links.error_links``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from errorguide import Explanation, Reading
from errorguide.catalogue import Link

LINK_LABELS: dict[Link, str] = {
    Link.TENANT_ISSUE: "Open the tenant's health issue",
    Link.TENANT_PAGE: "Open the tenant",
    Link.USAGE_PAGE: "Open the company's usage page",
    Link.STATUS_PAGE: "Visma's status page",
}


@dataclass(frozen=True, slots=True)
class ShownLink:
    label: str
    url: str
    external: bool


@dataclass(frozen=True, slots=True)
class ShownExplanation:
    explanation: Explanation
    links: tuple[ShownLink, ...]


@dataclass(frozen=True, slots=True)
class ShownReading:
    reading: Reading
    explanations: tuple[ShownExplanation, ...]


def shown(reading: Reading, urls: Mapping[Link, str]) -> ShownReading:
    """The reading with each entry's links that have a URL here (others are left out)."""
    return ShownReading(
        reading,
        tuple(
            ShownExplanation(
                explanation,
                tuple(
                    ShownLink(LINK_LABELS[link], urls[link], link is Link.STATUS_PAGE)
                    for link in explanation.links
                    if urls.get(link)
                ),
            )
            for explanation in reading.explanations
        ),
    )
