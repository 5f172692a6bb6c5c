"""A Financials document kind (supplier invoices, supplier payments), declared once by its part:
its labels, filter form, client resource, rules and the actions the pages may send. The shared pages
(``.views``) and the conflict view serve every kind from its declaration."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.urls import reverse

from portal import form_tokens
from tenants.models import Tenant

from ..documents import form_scope
from ..refresh import Kind
from .forms import ActionForm

# What a job records the person saw (its ``seen``), and the hidden field that carried it.
SEEN_FIELDS = {"status": "seen_status", "approval_status": "seen_approval"}


def _no_extras(tenant: Tenant, document: Any, offered: list[str], read: Any) -> dict[str, Any]:
    return {}


def _offered_form(operation: str, initial: dict[str, Any], document: Any) -> ActionForm:
    return ActionForm(initial=initial)


def _posted_form(tenant: Tenant, operation: str, data, files) -> ActionForm:
    return ActionForm(data)


@dataclass(frozen=True, slots=True)
class DocumentKind:
    kind: Kind
    # "Supplier invoices": the pages' titles and the list's table name.
    title: str
    # "invoice": the document's name in the detail template and in the list's ids.
    noun: str
    # The document types a URL may name.
    types: tuple[str, ...]
    # URL names: one tenant's list, one document, its action.
    tenant_list_url: str
    detail_url: str
    action_url_name: str
    # The other kind's list, linked from this one's (URL name, label).
    sibling: tuple[str, str]
    filter_form: type[forms.Form]
    # The client's resource that reads them (``client.supplier_invoices``).
    resource: str
    # The rules: the actions offered on a document, and in words why none is.
    allowed_actions: Callable[[Any], list[str]]
    why_not: Callable[[Any], str]
    # Each operation the pages may send, and the kind of its form's one-time token.
    token_kinds: Mapping[str, str]
    # What the job records the person saw (keys of SEEN_FIELDS).
    seen: tuple[str, ...]
    detail_template: str
    rows_template: str
    # Whether the action's URL names the operation (a kind with one action needs not).
    action_in_url: bool = True
    # The detail page's extra context for the actions offered (it may withdraw one), given the
    # read that fetched the document (when, and at which version).
    extras: Callable[[Tenant, Any, list[str], Any], dict[str, Any]] = _no_extras
    # An operation's confirmation form: as the detail page offers it (operation, hidden fields,
    # document), and as it was posted (tenant, operation, data, files; errors already added).
    offered_form: Callable[[str, dict[str, Any], Any], ActionForm] = _offered_form
    posted_form: Callable[[Tenant, str, Any, Any], ActionForm] = _posted_form

    @property
    def results_id(self) -> str:
        return f"{self.noun}-results"

    @property
    def results_target(self) -> str:
        return f"#{self.results_id}"

    @property
    def filter_id(self) -> str:
        return f"{self.noun}-filter"

    def action_url(self, tenant_pk: int, document_type: str, number: str, operation: str) -> str:
        args: list[Any] = [tenant_pk, document_type, number]
        if self.action_in_url:
            args.append(operation)
        return reverse(self.action_url_name, args=args)

    def action_initial(
        self, request, tenant_pk: int, document_type: str, number: str, operation: str, document
    ) -> dict[str, Any]:
        """A confirmation's hidden fields: its one-time token and what the page shows."""
        return {
            "token": form_tokens.issue(
                user=request.user,
                kind=self.token_kinds[operation],
                scope=form_scope(tenant_pk, document_type, number),
            ),
            "etag": document.etag,
            "seen_status": document.status or "",
            "seen_approval": getattr(document, "approval_status", None) or "",
        }

    def seen_values(self, cleaned_data: dict[str, Any]) -> dict[str, str]:
        return {name: cleaned_data.get(SEEN_FIELDS[name], "") for name in self.seen}
