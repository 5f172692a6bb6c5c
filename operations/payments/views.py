"""Supplier-payment pages: the list per tenant (paged by pageNumber) and one payment with its
release, on the version the page showed, through the Background API."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from portal import form_tokens
from portal.htmx import HtmxHttpRequest, page_or_partial, query_without
from portal.roles import OPERATE, VIEW

from ..documents import checked, form_scope, tenant_and_readiness, tenant_rows
from ..forms import TenantSearchForm
from ..invoices.forms import ActionForm, page_number
from ..invoices.selectors import PAGE_SIZE, read_erp
from ..jobs import selectors as job_selectors
from ..jobs.services import job_queue
from ..refresh import Kind
from . import rules

OPERATION = "payment_release"


class PaymentFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *[(s, s) for s in rules.STATUSES]]
    )
    payment_type = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "Any type"), *[(t, t) for t in rules.FILTER_PAYMENT_TYPES]],
    )


def _not_ready(request, tenant, ready, title):
    return render(
        request,
        "operations/invoices/not_ready.html",
        {"tenant": tenant, "readiness": ready, "title": title},
        status=409,
    )


@require_GET
@permission_required(VIEW, raise_exception=True)
def payments(request: HtmxHttpRequest) -> HttpResponse:
    form = TenantSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    return render(
        request,
        "operations/invoices/tenants.html",
        {
            "form": form,
            "rows": tenant_rows(query),
            "title": "Supplier payments",
            "url_name": "operations:tenant_payments",
        },
    )


@require_GET
@permission_required(VIEW, raise_exception=True)
def tenant_payments(request: HtmxHttpRequest, tenant_pk: int) -> HttpResponse:
    tenant, ready = tenant_and_readiness(tenant_pk)
    if not ready.ready:
        return _not_ready(request, tenant, ready, "Supplier payments")
    form = PaymentFilterForm(request.GET or None)
    number = page_number(request.GET.get("page"))
    read = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        filters = {key: value for key, value in data.items() if value}
        read = read_erp(
            tenant,
            lambda client: client.supplier_payments.page(
                page_number=number, page_size=PAGE_SIZE, **filters
            ),
        )
    context = {
        "tenant": tenant,
        "form": form,
        "read": read,
        "page": read.result if read else None,
        "page_number": number,
        "query": query_without(request, "page"),
    }
    return render(
        request, page_or_partial(request, "operations/payments/list.html", "results"), context
    )


@require_GET
@permission_required(VIEW, raise_exception=True)
def payment_detail(
    request: HtmxHttpRequest, tenant_pk: int, payment_type: str, number: str
) -> HttpResponse:
    tenant, ready = tenant_and_readiness(tenant_pk)
    payment_type = checked(payment_type, rules.PAYMENT_TYPES)
    number = checked(number)
    if not ready.ready:
        return _not_ready(request, tenant, ready, f"{payment_type} {number}")
    read = read_erp(tenant, lambda client: client.supplier_payments.get(number, payment_type))
    payment = read.result
    context = {
        "tenant": tenant,
        "read": read,
        "payment": payment,
        "payment_type": payment_type,
        "number": number,
    }
    if payment is not None:
        form = None
        if rules.can_release(payment) and request.user.has_perm(OPERATE):
            form = ActionForm(
                initial={
                    "token": form_tokens.issue(
                        user=request.user,
                        kind="payment:release",
                        scope=form_scope(tenant.pk, payment_type, number),
                    ),
                    "etag": payment.etag,
                    "seen_status": payment.status or "",
                }
            )
        context.update(
            {
                "form": form,
                "why_not": rules.why_not(payment),
                "jobs": job_selectors.jobs_on(tenant, Kind.SUPPLIER_PAYMENT, number)[:10],
            }
        )
    return render(request, "operations/payments/detail.html", context, status=read.status)


@require_POST
@permission_required(OPERATE, raise_exception=True)
def payment_release(
    request: HtmxHttpRequest, tenant_pk: int, payment_type: str, number: str
) -> HttpResponse:
    tenant, ready = tenant_and_readiness(tenant_pk)
    payment_type = checked(payment_type, rules.PAYMENT_TYPES)
    number = checked(number)
    if not ready.ready:
        return _not_ready(request, tenant, ready, f"{payment_type} {number}")
    form = ActionForm(request.POST)
    token_id = None
    if form.is_valid():
        try:
            token_id = form_tokens.read(
                form.cleaned_data["token"],
                user=request.user,
                kind="payment:release",
                scope=form_scope(tenant.pk, payment_type, number),
            )
        except ValidationError as error:
            form.add_error(None, error)
    if token_id is None or form.errors:
        from ..jobs.actions import ACTIONS

        return render(
            request,
            "operations/invoices/action_error.html",
            {
                "tenant": tenant,
                "document_type": payment_type,
                "number": number,
                "action": ACTIONS[OPERATION],
                "form": form,
                "back_url_name": "operations:payment",
            },
            status=400,
        )
    job, created = job_queue(
        actor=request.user,
        tenant=tenant,
        operation=OPERATION,
        document_type=payment_type,
        document_number=number,
        if_match=form.cleaned_data["etag"],
        seen={"status": form.cleaned_data.get("seen_status", "")},
        form_token=token_id,
    )
    if created:
        messages.success(
            request,
            f"Release of {payment_type} {number} was queued in the ERP's Background API. This "
            "page follows it until the ERP's result is verified.",
        )
    else:
        messages.info(request, "This form was sent before; here is the job it started.")
    return redirect("operations:job", pk=job.pk)
