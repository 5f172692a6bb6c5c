"""The API console's pages: pick a tenant, pick an operation of the real specs, fill its form,
send it, read the answer (explained when it is an error), and the history."""

from __future__ import annotations

import functools
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from erpspecs import Api, OperationSpec, skeleton, specs
from portal import form_tokens
from portal.erp_errors import shown
from portal.htmx import HtmxHttpRequest, page_or_partial
from portal.inputs import is_database_id
from tenants.links import error_links
from tenants.models import Tenant, TenantStatus

from .. import selectors
from ..forms import TenantSearchForm
from . import policy
from .answers import next_page
from .errors import reading_of
from .forms import OperationForm
from .history import history, recent_for
from .models import ConsoleCall
from .paths import curl, fill_path, full_path
from .services import console_send

TEMPLATE = "operations/console/console.html"
FORM_KIND = "console"
# Tenants whose company the portal no longer acts for: nothing is sent.
_NOT_SENDING = {
    TenantStatus.SUSPENDED: "This tenant is suspended: the portal sends nothing for it until it is "
    "reactivated.",
    TenantStatus.OFFBOARDED: "This tenant is offboarded: the portal no longer acts for it.",
}


def _require_use(request: HtmxHttpRequest) -> None:
    if not policy.may_use(request.user):
        raise PermissionDenied(policy.refusal(request.user, "GET"))


def _tenant(pk: int) -> Tenant:
    return get_object_or_404(Tenant.objects.select_related("api_client", "customer"), pk=pk)


def _company(tenant: Tenant) -> str:
    name = tenant.erp_company_name or tenant.name
    return f"{name} (company {tenant.company_id})" if tenant.company_id else name


def base_url(op: OperationSpec) -> str:
    return settings.ERP_API_URL if op.api is Api.FINANCIALS else settings.SALESORDER_API_URL


def jobs_url(tenant: Tenant) -> str | None:
    """The tenant's Background jobs page, once that part of Operations exists."""
    try:
        return reverse("operations:tenant_jobs", args=[tenant.pk])
    except NoReverseMatch:
        return None


def _curl_of(op: OperationSpec, tenant: Tenant, inputs: dict[str, str]) -> str:
    """ "Copy as curl" of the form's values (a path value left out stays a ``{placeholder}``)."""
    values = {p.name: inputs.get(f"path__{p.name}", "") for p in op.of("path")}
    path = fill_path(op.path, values, keep_missing=True)
    query = {p.name: inputs.get(f"query__{p.name}") for p in op.of("query")}
    return curl(
        method=op.method,
        base_url=base_url(op),
        path=full_path(path, query),
        if_match=inputs.get("header__If-Match"),
        background=inputs.get("header__erp-api-background"),
        body=inputs.get("body") or None,
        company_id=tenant.company_id,
    )


def _render_operations(query: str) -> str:
    all_specs = specs()
    found = all_specs.search(query)
    return render_to_string(
        "operations/console/_operations.html",
        {
            "query": query,
            "groups": all_specs.groups(found),
            "found": len(found),
            "total": len(all_specs.operations),
        },
    )


@functools.cache
def _all_operations() -> str:
    return _render_operations("")


def operations_html(query: str) -> str:
    """The operation list; the unsearched one (a few hundred links) is rendered once per
    process, since it is the same for every tenant and person."""
    if query or settings.DEBUG:
        return _render_operations(query)
    return _all_operations()


@require_GET
def console_index(request: HtmxHttpRequest) -> HttpResponse:
    _require_use(request)
    form = TenantSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(selectors.operable_tenants(query), 25).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "recent": recent_for(request.user),
        "may_write": policy.may_write(request.user),
    }
    return render(
        request, page_or_partial(request, "operations/console/index.html", "tenants"), context
    )


def _initial(request: HtmxHttpRequest, op: OperationSpec, tenant: Tenant) -> dict[str, str]:
    """The form's starting values: a call run again, else values in the link (a followed
    Background request), and the schema's example body when asked for."""
    initial: dict[str, str] = {}
    rerun = request.GET.get("rerun", "")
    if is_database_id(rerun):
        call = ConsoleCall.objects.filter(pk=int(rerun), tenant=tenant).first()
        if call is not None and call.operation_key == op.key:
            initial.update(call.inputs)
    if not initial:
        for key, value in request.GET.items():
            if key.startswith(("path__", "query__", "header__")):
                initial[key] = value[:500]
    # The schema's example is offered, not prefilled: a PUT of the whole skeleton would blank
    # every field it lists.
    if "body" not in initial and op.body_schema is not None and request.GET.get("example") == "1":
        initial["body"] = skeleton(op.key)
    return initial


def _workbench(
    request: HtmxHttpRequest,
    tenant: Tenant,
    op: OperationSpec | None,
    form: OperationForm | None,
    **extra,
) -> dict:
    refusal = policy.refusal(request.user, op.method) if op else ""
    token = ""
    if op is not None and op.is_write and not refusal:
        token = form_tokens.issue(user=request.user, kind=FORM_KIND, scope=str(tenant.pk))
    mine = request.GET.get("mine") == "1"
    return {
        "tenant": tenant,
        "company": _company(tenant),
        "op": op,
        "form": form,
        "refusal": refusal,
        "not_sending": _NOT_SENDING.get(tenant.status, ""),
        "form_token": token,
        "history": history(tenant=tenant, user=request.user if mine else None),
        "mine": mine,
        # Only the full page shows the list; an htmx partial never renders it.
        "operations_html": mark_safe(operations_html(extra.get("query", ""))),  # noqa: S308 - our template's output
        "may_write": policy.may_write(request.user),
        "base_url": base_url(op) if op else "",
        "example": skeleton(op.key) if op is not None and op.body_schema is not None else "",
        "page_url": reverse("operations:console", args=[tenant.pk]),
        **extra,
    }


@require_GET
def console(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    _require_use(request)
    tenant = _tenant(pk)
    query = request.GET.get("q", "")[:200].strip()
    op = specs().get(request.GET.get("op", ""))
    form = (
        OperationForm(op, initial=_initial(request, op, tenant), company=_company(tenant))
        if op
        else None
    )
    context = _workbench(request, tenant, op, form, query=query)
    partial = "operations" if request.GET.get("part") == "operations" else "workbench"
    return render(request, page_or_partial(request, TEMPLATE, partial), context)


@require_POST
def console_send_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    _require_use(request)
    tenant = _tenant(pk)
    op = specs().get(request.POST.get("op", ""))
    if op is None:
        raise Http404("No such operation in the specs.")
    refusal = policy.refusal(request.user, op.method)
    if refusal:
        raise PermissionDenied(refusal)
    company = _company(tenant)
    form = OperationForm(op, request.POST, company=company)
    extra: dict = {}
    if tenant.status in _NOT_SENDING:
        form.is_valid()
        form.add_error(None, _NOT_SENDING[TenantStatus(tenant.status)])
    elif form.is_valid() and form.request_to_send is not None:
        submission = None
        if op.is_write:
            try:
                submission = form_tokens.read(
                    request.POST.get("form_token", ""),
                    user=request.user,
                    kind=FORM_KIND,
                    scope=str(tenant.pk),
                )
            except ValidationError as error:
                form.add_error(None, error)
        if not form.errors:
            sent = console_send(
                actor=request.user,
                tenant=tenant,
                op=op,
                request=form.request_to_send,
                submission=submission,
            )
            extra = {
                "sent": sent,
                "answer": sent.answer,
                "reading": shown(reading_of(sent.error, tenant), error_links(tenant))
                if sent.error is not None
                else None,
                "next_inputs": _next(op, form, sent),
                "jobs_url": jobs_url(tenant),
                "reread_url": _reread_url(op, tenant, form.request_to_send.inputs)
                if sent.answer is not None and sent.answer.status == 412
                else None,
                "curl": _curl_of(op, tenant, form.request_to_send.inputs),
            }
    context = _workbench(request, tenant, op, form, **extra)
    # htmx swaps only 2xx answers: the form with its errors goes back as 200 there.
    status = 400 if form.errors and not request.htmx else 200
    return render(request, page_or_partial(request, TEMPLATE, "workbench"), context, status=status)


def _reread_url(op: OperationSpec, tenant: Tenant, inputs: dict[str, str]) -> str | None:
    """The console's GET of the document a 412 refused to change, its path filled in."""
    read = specs().read_of(op)
    if read is None:
        return None
    query = {"op": read.key, **{k: v for k, v in inputs.items() if k.startswith("path__")}}
    return f"{reverse('operations:console', args=[tenant.pk])}?{urlencode(query)}"


def _next(op: OperationSpec, form: OperationForm, sent) -> dict | None:
    if sent.answer is None or op.method != "GET" or form.request_to_send is None:
        return None
    names = {p.name for p in op.of("query")}
    return next_page(names, form.request_to_send.inputs, sent.answer)


@require_GET
def console_curl(request: HtmxHttpRequest, pk: int, call_pk: int) -> HttpResponse:
    """ "Copy as curl" for a call in the history: a placeholder where the token goes."""
    _require_use(request)
    tenant = _tenant(pk)
    call = get_object_or_404(ConsoleCall, pk=call_pk, tenant=tenant)
    op = specs().get(call.operation_key)
    if op is None:
        raise Http404("That operation is no longer in the specs.")
    text = _curl_of(op, tenant, call.inputs)
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
