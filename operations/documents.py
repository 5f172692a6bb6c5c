"""What the supplier-document pages share: the tenant from the URL (and whether staff may act on
it), the document's type and number checked before they reach the ERP, and the tenant picker of
the pages across tenants."""

from __future__ import annotations

import re

from django.http import Http404
from django.shortcuts import get_object_or_404

from tenants.models import Tenant

from .access import Capability, Readiness, readiness, with_unresolved_issues
from .selectors import operable_tenants

_NUMBER = re.compile(r"^[A-Za-z0-9_-]{1,15}$")


def tenant_and_readiness(tenant_pk: int) -> tuple[Tenant, Readiness]:
    tenant = get_object_or_404(with_unresolved_issues(Tenant.objects.all()), pk=tenant_pk)
    return tenant, readiness(tenant, Capability.FINANCIALS)


def checked(value: str, allowed: tuple[str, ...] | None = None) -> str:
    """A document type (one of ``allowed``) or number from the URL, else 404."""
    if allowed is not None:
        if value not in allowed:
            raise Http404("unknown document type")
        return value
    if not _NUMBER.match(value or ""):
        raise Http404("not a document number")
    return value


def form_scope(tenant_pk: int, document_type: str, number: str) -> str:
    """The scope of a document form's one-time token (``portal.form_tokens``): a token opened
    on one document cannot act on another."""
    return f"{tenant_pk}:{document_type}:{number}"


def tenant_rows(query: str = "") -> list[Readiness]:
    return [readiness(t, Capability.FINANCIALS) for t in operable_tenants(query)]
