"""Supplier-invoice pages: the list (ERP filters, paged by pageNumber), one invoice with the
version it holds and its actions, the actions' confirmations, and the header edit with its
conflict view."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from erpclient import ErpError
from portal import form_tokens
from portal.htmx import HtmxHttpRequest, page_or_partial, query_without
from portal.roles import OPERATE, VIEW

from ..conflicts import diff, snapshot
from ..documents import checked, form_scope, tenant_and_readiness, tenant_rows
from ..erp import StaffClient
from ..forms import TenantSearchForm
from ..jobs import selectors as job_selectors
from ..jobs.actions import ACTIONS
from ..jobs.services import Upload, job_queue
from ..refresh import Kind
from . import attachments, ledger, live, rules, selectors, services
from .forms import (
    EDIT_FIELDS,
    ActionForm,
    AttachForm,
    EditForm,
    InvoiceFilterForm,
    PrebookForm,
    page_number,
)

EDIT_LABELS = (
    ("description", "Description"),
    ("supplier_reference", "Supplier reference"),
    ("due_date", "Due date"),
)


def _not_ready(request, tenant, ready, title: str) -> HttpResponse:
    return render(
        request,
        "operations/invoices/not_ready.html",
        {"tenant": tenant, "readiness": ready, "title": title},
        status=409,
    )


@require_GET
@permission_required(VIEW, raise_exception=True)
def invoices(request: HtmxHttpRequest) -> HttpResponse:
    form = TenantSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    return render(
        request,
        "operations/invoices/tenants.html",
        {
            "form": form,
            "rows": tenant_rows(query),
            "title": "Supplier invoices",
            "url_name": "operations:tenant_invoices",
        },
    )


@require_GET
@permission_required(VIEW, raise_exception=True)
def tenant_invoices(request: HtmxHttpRequest, tenant_pk: int) -> HttpResponse:
    tenant, ready = tenant_and_readiness(tenant_pk)
    if not ready.ready:
        return _not_ready(request, tenant, ready, "Supplier invoices")
    form = InvoiceFilterForm(request.GET or None)
    number = page_number(request.GET.get("page"))
    read = None
    if not form.is_bound or form.is_valid():
        filters = form.erp_filters() if form.is_bound else {}
        read = selectors.invoice_page(tenant, filters, number)
    context = {
        "tenant": tenant,
        "form": form,
        "read": read,
        "page": read.result if read else None,
        "page_number": number,
        "query": query_without(request, "page"),
    }
    return render(
        request, page_or_partial(request, "operations/invoices/list.html", "results"), context
    )


def _action_forms(request, tenant, invoice, offered: list[str]) -> dict[str, ActionForm]:
    forms = {}
    for operation in offered:
        initial = {
            "token": form_tokens.issue(
                user=request.user,
                kind=f"invoice:{operation}",
                scope=form_scope(tenant.pk, invoice.document_type, invoice.number),
            ),
            "etag": invoice.etag,
            "seen_status": invoice.status or "",
            "seen_approval": invoice.approval_status or "",
        }
        if operation == "attach":
            forms[operation] = AttachForm(initial=initial, lines=invoice.invoice_lines)
        else:
            forms[operation] = ActionForm(initial=initial)
    return forms


def _ledger(tenant):
    with StaffClient(tenant) as erp:
        return ledger.active_accounts(tenant, erp.client), ledger.subaccounts(tenant, erp.client)


def _watching(tenant, document_type, number, read, place: str) -> dict:
    """The page follows the invoice's changes in the ERP from the moment it read it."""
    return live.watch_context(
        tenant,
        document_type,
        number,
        since=read.fetched_at.timestamp(),
        shown=read.result.etag or "",
        place=place,
    )


@require_GET
@permission_required(VIEW, raise_exception=True)
def invoice_detail(
    request: HtmxHttpRequest, tenant_pk: int, document_type: str, number: str
) -> HttpResponse:
    tenant, ready = tenant_and_readiness(tenant_pk)
    document_type = checked(document_type, rules.DOCUMENT_TYPES)
    number = checked(number)
    if not ready.ready:
        return _not_ready(request, tenant, ready, f"{document_type} {number}")
    read = selectors.invoice(tenant, document_type, number)
    invoice = read.result
    context = {
        "tenant": tenant,
        "read": read,
        "invoice": invoice,
        "document_type": document_type,
        "number": number,
    }
    if invoice is not None:
        offered = rules.allowed_actions(invoice) if request.user.has_perm(OPERATE) else []
        forms = _action_forms(request, tenant, invoice, offered)
        accounts, subaccounts = ({}, {})
        if "prebook" in offered:
            try:
                accounts, subaccounts = _ledger(tenant)
            except ErpError:
                offered.remove("prebook")
        context.update(
            {
                "actions": [(ACTIONS[name], forms[name]) for name in offered],
                "why_not": rules.why_not(invoice),
                "accounts": sorted(accounts.items()),
                "subaccounts": sorted(subaccounts.items()),
                "attachment_limits": attachments.limits_text(),
                "jobs": job_selectors.jobs_on(tenant, Kind.SUPPLIER_INVOICE, number)[:10],
                **_watching(tenant, document_type, number, read, "detail"),
            }
        )
    return render(request, "operations/invoices/detail.html", context, status=read.status)


@require_POST
@permission_required(OPERATE, raise_exception=True)
def invoice_action(
    request: HtmxHttpRequest, tenant_pk: int, document_type: str, number: str, operation: str
) -> HttpResponse:
    tenant, ready = tenant_and_readiness(tenant_pk)
    document_type = checked(document_type, rules.DOCUMENT_TYPES)
    number = checked(number)
    if operation not in rules.INVOICE_ACTIONS:
        raise Http404("unknown action")
    if not ready.ready:
        return _not_ready(request, tenant, ready, f"{document_type} {number}")
    if operation == "prebook":
        try:
            accounts, subaccounts = _ledger(tenant)
        except ErpError as error:
            form = PrebookForm(request.POST)
            form.is_valid()
            form.add_error(
                None,
                "The company's accounts could not be read, so the account cannot be checked; "
                f"nothing was sent. {error.message}",
            )
            return _action_error(request, tenant, document_type, number, operation, form)
        form = PrebookForm(request.POST, accounts=accounts, subaccounts=subaccounts)
    elif operation == "attach":
        form = AttachForm(request.POST, request.FILES)
    else:
        form = ActionForm(request.POST)
    token_id = None
    if form.is_valid():
        try:
            token_id = form_tokens.read(
                form.cleaned_data["token"],
                user=request.user,
                kind=f"invoice:{operation}",
                scope=form_scope(tenant.pk, document_type, number),
            )
        except ValidationError as error:
            form.add_error(None, error)
    if token_id is None or form.errors:
        return _action_error(request, tenant, document_type, number, operation, form)
    upload = None
    if operation == "attach":
        file = form.cleaned_data["file"]
        upload = Upload(file.name, file.content_type or "application/octet-stream", file.read())
    job, created = job_queue(
        actor=request.user,
        tenant=tenant,
        operation=operation,
        document_type=document_type,
        document_number=number,
        if_match=form.cleaned_data["etag"],
        seen={
            "status": form.cleaned_data.get("seen_status", ""),
            "approval_status": form.cleaned_data.get("seen_approval", ""),
        },
        payload=form.payload(),
        upload=upload,
        form_token=token_id,
    )
    if created:
        messages.success(
            request,
            f"{ACTIONS[operation].label} of {document_type} {number} was queued in the ERP's "
            "Background API. This page follows it until the ERP's result is verified.",
        )
    else:
        messages.info(request, "This form was sent before; here is the job it started.")
    return redirect("operations:job", pk=job.pk)


def _action_error(request, tenant, document_type, number, operation, form) -> HttpResponse:
    return render(
        request,
        "operations/invoices/action_error.html",
        {
            "tenant": tenant,
            "document_type": document_type,
            "number": number,
            "action": ACTIONS[operation],
            "form": form,
        },
        status=400,
    )


# --- the header edit ------------------------------------------------------------------------------


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
    tenant, ready = tenant_and_readiness(tenant_pk)
    document_type = checked(document_type, rules.DOCUMENT_TYPES)
    number = checked(number)
    if not ready.ready:
        return _not_ready(request, tenant, ready, f"{document_type} {number}")
    context = {"tenant": tenant, "document_type": document_type, "number": number}
    if request.method == "GET":
        read = selectors.invoice(tenant, document_type, number)
        if read.result is None:
            return render(
                request,
                "operations/invoices/detail.html",
                {**context, "read": read},
                status=read.status,
            )
        form = _edit_form(request, tenant, document_type, number, read.result)
        watching = _watching(tenant, document_type, number, read, "edit")
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
            {**context, "form": form, "error": selectors.erp_error(tenant, error)},
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
        {"status": latest.status, "approval_status": latest.approval_status},
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
