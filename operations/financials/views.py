"""The pages every Financials document kind has, served from its declaration (``kinds``): the
tenant picker, one tenant's list (the ERP's filters, paged by pageNumber), one document with the
version it holds and the actions offered on it, and an action's confirmation, queued as a
background job with that version as If-Match. The URL conf passes the kind."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from portal import form_tokens
from portal.htmx import HtmxHttpRequest, page_or_partial, query_without
from portal.roles import OPERATE, VIEW

from ..documents import checked, form_scope, tenant_and_readiness, tenant_rows
from ..forms import TenantSearchForm
from ..jobs import selectors as job_selectors
from ..jobs.actions import ACTIONS
from ..jobs.services import Upload, job_queue
from . import read_cache
from .forms import ActionForm, page_number
from .kinds import DocumentKind


def not_ready(request, tenant, ready, title: str) -> HttpResponse:
    return render(
        request,
        "operations/financials/not_ready.html",
        {"tenant": tenant, "readiness": ready, "title": title},
        status=409,
    )


def from_url(request, tenant_pk: int, document_type: str, number: str, types: tuple[str, ...]):
    """The tenant, and the document type and number from the URL, checked (else 404); with the
    response to give instead when the company is not ready (else None)."""
    tenant, ready = tenant_and_readiness(tenant_pk)
    document_type = checked(document_type, types)
    number = checked(number)
    refusal = None
    if not ready.ready:
        refusal = not_ready(request, tenant, ready, f"{document_type} {number}")
    return tenant, document_type, number, refusal


@require_GET
@permission_required(VIEW, raise_exception=True)
def tenants(request: HtmxHttpRequest, *, kind: DocumentKind) -> HttpResponse:
    form = TenantSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    return render(
        request,
        "operations/financials/tenants.html",
        {
            "form": form,
            "rows": tenant_rows(query),
            "title": kind.title,
            "url_name": kind.tenant_list_url,
        },
    )


@require_GET
@permission_required(VIEW, raise_exception=True)
def tenant_list(request: HtmxHttpRequest, tenant_pk: int, *, kind: DocumentKind) -> HttpResponse:
    tenant, ready = tenant_and_readiness(tenant_pk)
    if not ready.ready:
        return not_ready(request, tenant, ready, kind.title)
    form = kind.filter_form(request.GET or None)
    number = page_number(request.GET.get("page"))
    read = None
    if not form.is_bound or form.is_valid():
        filters = form.erp_filters() if form.is_bound else {}
        read = read_cache.page(tenant, kind, filters, number)
    context = {
        "kind": kind,
        "tenant": tenant,
        "form": form,
        "read": read,
        "page": read.result if read else None,
        "page_number": number,
        "query": query_without(request, "page"),
    }
    return render(
        request, page_or_partial(request, "operations/financials/list.html", "results"), context
    )


@require_GET
@permission_required(VIEW, raise_exception=True)
def detail(
    request: HtmxHttpRequest,
    tenant_pk: int,
    document_type: str,
    number: str,
    *,
    kind: DocumentKind,
) -> HttpResponse:
    tenant, document_type, number, refusal = from_url(
        request, tenant_pk, document_type, number, kind.types
    )
    if refusal:
        return refusal
    context, status = _detail_context(request, tenant, document_type, number, kind=kind)
    return render(request, kind.detail_template, context, status=status)


def _detail_context(
    request: HtmxHttpRequest,
    tenant,
    document_type: str,
    number: str,
    *,
    kind: DocumentKind,
    posted: tuple[str, ActionForm] | None = None,
) -> tuple[dict, int]:
    """The document's page (and its status): the document as the ERP has it now, with the
    actions offered on it. ``posted`` (operation, form) shows that action's form as it was sent,
    errors and all, in place of a fresh one."""
    read = read_cache.document(tenant, kind, document_type, number)
    document = read.result
    context = {
        "kind": kind,
        "tenant": tenant,
        "read": read,
        kind.noun: document,
        "document_type": document_type,
        "number": number,
    }
    if document is not None:
        offered = kind.allowed_actions(document) if request.user.has_perm(OPERATE) else []
        context.update(kind.extras(tenant, document, offered, read))
        actions = []
        for operation in offered:
            if posted and posted[0] == operation:
                posted[1].for_document(document)
                actions.append((ACTIONS[operation], posted[1]))
                continue
            initial = kind.action_initial(
                request, tenant.pk, document_type, number, operation, document
            )
            actions.append((ACTIONS[operation], kind.offered_form(operation, initial, document)))
        context.update(
            {
                "actions": actions,
                "why_not": kind.why_not(document),
                "jobs": job_selectors.jobs_on(tenant, kind.kind, number)[:10],
            }
        )
    return context, read.status


def _only_what_was_typed(form: ActionForm) -> bool:
    """True when every error of ``form`` is on a field the person fills in (a refused file type,
    an unknown account), not on what the page carried (version, token) or the form as a whole."""
    visible = {field.name for field in form.visible_fields()}
    return bool(form.errors) and all(name in visible for name in form.errors)


@require_POST
@permission_required(OPERATE, raise_exception=True)
def action(
    request: HtmxHttpRequest,
    tenant_pk: int,
    document_type: str,
    number: str,
    operation: str,
    *,
    kind: DocumentKind,
) -> HttpResponse:
    tenant, document_type, number, refusal = from_url(
        request, tenant_pk, document_type, number, kind.types
    )
    if operation not in kind.token_kinds:
        raise Http404("unknown action")
    if refusal:
        return refusal
    form = kind.posted_form(tenant, operation, request.POST, request.FILES)
    token_id = None
    if form.is_valid():
        try:
            token_id = form_tokens.read(
                form.cleaned_data["token"],
                user=request.user,
                kind=kind.token_kinds[operation],
                scope=form_scope(tenant.pk, document_type, number),
            )
        except ValidationError as error:
            form.add_error(None, error)
    if token_id is None or form.errors:
        if _only_what_was_typed(form):
            # The same page and form again, the error on its field; nothing was sent or kept.
            context, _status = _detail_context(
                request, tenant, document_type, number, kind=kind, posted=(operation, form)
            )
            if any(shown is form for _action, shown in context.get("actions", ())):
                return render(request, kind.detail_template, context, status=400)
        return render(
            request,
            "operations/financials/action_error.html",
            {
                "tenant": tenant,
                "document_type": document_type,
                "number": number,
                "action": ACTIONS[operation],
                "form": form,
                "back_url_name": kind.detail_url,
            },
            status=400,
        )
    upload = None
    if file := form.cleaned_data.get("file"):
        upload = Upload(file.name, file.content_type or "application/octet-stream", file.read())
    job, created = job_queue(
        actor=request.user,
        tenant=tenant,
        operation=operation,
        document_type=document_type,
        document_number=number,
        if_match=form.cleaned_data["etag"],
        seen=kind.seen_values(form.cleaned_data),
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
