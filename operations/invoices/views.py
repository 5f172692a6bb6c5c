"""The supplier-invoice header edit (a PUT with If-Match) and its conflict view. The list, the
detail and the actions are the shared Financials pages (``operations.financials``, declared in
``.kind``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from erpclient import ErpError
from portal import form_tokens
from portal.htmx import HtmxHttpRequest
from portal.roles import OPERATE

from ..conflicts import diff, snapshot
from ..documents import form_scope
from ..financials import read_cache
from ..financials.selectors import erp_error
from ..financials.views import from_url
from . import live, rules, selectors, services
from .forms import (
    EDIT_FIELDS,
    EditForm,
)
from .kind import INVOICES

EDIT_LABELS = (
    ("description", "Description"),
    ("supplier_reference", "Supplier reference"),
    ("due_date", "Due date"),
)


def _edit_form(request, tenant, document_type, number, invoice, values=None) -> EditForm:
    opened = selectors.edit_values(invoice)
    return EditForm(
        initial={
            **(values if values is not None else opened),
            "token": form_tokens.issue(
                user=request.user,
                kind="invoice:edit",
                scope=form_scope(tenant.pk, document_type, number),
            ),
            "etag": invoice.etag,
            "opened": snapshot.seal(opened),
        }
    )


@require_http_methods(["GET", "POST"])
@permission_required(OPERATE, raise_exception=True)
def invoice_edit(
    request: HtmxHttpRequest, tenant_pk: int, document_type: str, number: str
) -> HttpResponse:
    tenant, document_type, number, refusal = from_url(
        request, tenant_pk, document_type, number, rules.DOCUMENT_TYPES
    )
    if refusal:
        return refusal
    context = {"tenant": tenant, "document_type": document_type, "number": number}
    if request.method == "GET":
        # The page the person came from read the invoice moments ago: opening the form takes that
        # copy, so a few edits in a minute never meet the repeat guard. A copy older than the ERP's
        # version only costs a conflict view on save (If-Match).
        read = read_cache.document(tenant, INVOICES, document_type, number)
        if read.result is None:
            return render(
                request,
                "operations/invoices/detail.html",
                {**context, "read": read, "kind": INVOICES},
                status=read.status,
            )
        form = _edit_form(request, tenant, document_type, number, read.result)
        # The page follows the invoice's changes in the ERP from the moment it read it.
        watching = live.watch_context(
            tenant,
            document_type,
            number,
            since=read.fetched_at.timestamp(),
            shown=read.result.etag or "",
            place="edit",
        )
        return render(
            request,
            "operations/invoices/edit.html",
            {**context, "form": form, "read": read, **watching},
        )

    form = EditForm(request.POST)
    opened = None
    if form.is_valid():
        try:
            form_tokens.read(
                form.cleaned_data["token"],
                user=request.user,
                kind="invoice:edit",
                scope=form_scope(tenant.pk, document_type, number),
            )
            opened = snapshot.unseal(form.cleaned_data["opened"])
        except ValidationError as error:
            form.add_error(None, error)
        except signing.BadSignature:
            form.add_error(None, "This form was changed outside the portal. Reload the page.")
    if opened is None or form.errors:
        return render(
            request, "operations/invoices/edit.html", {**context, "form": form}, status=400
        )
    submitted = {
        field: (
            form.cleaned_data[field].isoformat()
            if field == "due_date" and form.cleaned_data[field]
            else form.cleaned_data[field] or ""
        )
        for field in EDIT_FIELDS
    }
    changes = {
        field: form.cleaned_data[field] if field == "due_date" else submitted[field]
        for field in EDIT_FIELDS
        if submitted[field] != (opened.get(field) or "")
    }
    if not changes:
        messages.info(request, "Nothing changed, so nothing was sent.")
        return redirect("operations:invoice", tenant.pk, document_type, number)
    try:
        etag = services.invoice_update(
            actor=request.user,
            tenant=tenant,
            document_type=document_type,
            number=number,
            if_match=form.cleaned_data["etag"],
            changes=changes,
        )
    except services.EditConflict as conflict:
        return _edit_conflict(request, tenant, document_type, number, opened, submitted, conflict)
    except ErpError as error:
        return render(
            request,
            "operations/invoices/edit.html",
            {**context, "form": form, "error": erp_error(tenant, error)},
            status=400,
        )
    messages.success(request, f"Saved. The invoice's version is now {etag}.")
    return redirect("operations:invoice", tenant.pk, document_type, number)


def _edit_conflict(request, tenant, document_type, number, opened, submitted, conflict):
    latest = conflict.latest
    now = selectors.edit_values(latest)
    table = diff.rows(EDIT_LABELS, opened, now, submitted)
    context_rows = diff.rows(
        (("status", "Status"), ("approval_status", "Approval status")),
        {},
        {"status": latest.status, "approval_status": rules.approval_words(latest.approval_status)},
    )
    already_saved = all((submitted[f] or "") == (now[f] or "") for f in EDIT_FIELDS)
    # Re-applying carries only the fields the person changed, on top of the latest values: a
    # field they left alone keeps the other person's change.
    mine = {f: submitted[f] for f in EDIT_FIELDS if submitted[f] != (opened.get(f) or "")}
    reapply = _edit_form(request, tenant, document_type, number, latest, values={**now, **mine})
    return render(
        request,
        "operations/conflicts/edit.html",
        {
            "tenant": tenant,
            "document_type": document_type,
            "number": number,
            "rows": table,
            "context_rows": context_rows,
            "latest": latest,
            "reapply": reapply,
            "already_saved": already_saved,
            "detail_url": reverse("operations:invoice", args=[tenant.pk, document_type, number]),
            "edit_url": reverse("operations:invoice_edit", args=[tenant.pk, document_type, number]),
        },
        status=409,
    )
