"""Pages: tenants list, tenant page with live checks, adding and importing tenants, the issues
inbox and API clients. Permissions are checked before any lookup; writes go through services."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from portal.htmx import (
    Column,
    HtmxHttpRequest,
    apply_errors,
    page_or_partial,
    query_without,
    safe_next,
    saved,
    sort_headers,
    with_client_event,
)
from portal.roles import MANAGE_CREDENTIALS, OPERATE, VIEW
from usage.selectors import company_for

from . import csv_import, health, selectors, services, tasks
from .catalogue import CATALOGUE
from .checks import STEP_LABELS
from .credentials import api_client_test_credentials
from .explained import step_reading
from .forms import (
    NEW_CUSTOMER,
    ApiClientForm,
    CsvConfirmForm,
    CsvUploadForm,
    CustomerForm,
    IssueFilterForm,
    MuteForm,
    ReasonForm,
    RecheckForm,
    TenantEditForm,
    TenantFilterForm,
    TenantForm,
    mute_form_for,
)
from .models import ApiClient, CheckRun, CheckTrigger, Customer, HealthIssue, IssueStatus, Tenant
from .steps import StepStatus

# The event the tenant page listens for to refresh its header and issues after a check.
CHECK_FINISHED = "tenants:check-finished"

TENANT_COLUMNS = (
    Column("name", "Name"),
    Column("tenant_id", "Tenant id"),
    Column("client", "Client"),
    Column("status", "Status"),
    Column("problems", "Health", key_sorts_descending=True),  # "problems": most problems first
    Column("checked", "Last checked", first_descending=True),
)


def _tenant_sort(key: str, descending: bool) -> dict[str, str]:
    return {"sort": f"-{key}" if descending else key}


# --- tenants list -----------------------------------------------------------------------------


@require_GET
@permission_required(VIEW, raise_exception=True)
def tenant_list(request: HtmxHttpRequest) -> HttpResponse:
    choices = selectors.filter_choices()
    data = request.GET.copy()
    if data and not data.get("per_page"):
        data["per_page"] = "50"  # so the select shows the page size in use
    form = TenantFilterForm(data or None, **choices)
    filters = selectors.TenantFilters(**form.filters())
    per_page = form.cleaned_data.get("per_page") if form.is_bound and form.is_valid() else 50
    page = Paginator(selectors.tenant_list(filters), per_page or 50).get_page(
        request.GET.get("page")
    )
    selectors.split_issues(page)
    status_counts = selectors.status_counts()
    context = {
        "form": form,
        "page": page,
        "filters": filters,
        "status_counts": status_counts,
        "total": sum(status_counts.values()),
        "kind_counts": selectors.kind_counts(),
        "owner_counts": selectors.owner_counts(),
        "query": query_without(request, "page"),
        # The count chips change the filters and keep the sort, like the filter form.
        "sort_query": ""
        if filters.sort == selectors.DEFAULT_SORT
        else urlencode({"sort": filters.sort}),
        "headers": sort_headers(
            request,
            TENANT_COLUMNS,
            sort=filters.sort.lstrip("-"),
            descending=filters.sort.startswith("-"),
            encode=_tenant_sort,
        ),
    }
    return render(request, page_or_partial(request, "tenants/list.html", "results"), context)


# --- adding a tenant ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(OPERATE, raise_exception=True)
def tenant_new(request: HtmxHttpRequest) -> HttpResponse:
    form = TenantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new_customer = None
        if data["customer"] == NEW_CUSTOMER:
            new_customer = {
                "name": data["new_customer_name"],
                "organisation_number": data["new_customer_organisation_number"],
                "contact_email": data["new_customer_contact_email"],
            }
        try:
            with transaction.atomic():
                tenant = services.tenant_onboard(
                    actor=request.user,
                    tenant_id=data["tenant_id"],
                    name=data["name"],
                    api_client=data["api_client"],
                    customer=data.get("customer_obj"),
                    new_customer=new_customer,
                    notes=data["notes"],
                )
                health.check_start(
                    tenant=tenant, trigger=CheckTrigger.ONBOARDING, actor=request.user
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Tenant {tenant.tenant_id} added; verifying it now.")
            return redirect("tenants:detail", pk=tenant.pk)
    return render(
        request,
        "tenants/new.html",
        {"form": form, "has_clients": ApiClient.objects.filter(active=True).exists()},
        status=400 if form.errors else 200,
    )


# --- one tenant ---------------------------------------------------------------------------------


def _tenant_context(tenant: Tenant) -> dict:
    current, past = selectors.tenant_issues(tenant)
    for issue in current:
        issue.mute_form = mute_form_for(issue)
    runs = selectors.tenant_checks(tenant)
    context = {
        "tenant": tenant,
        "current_issues": current,
        "past_issues": past,
        "runs": runs,
        "step_labels": STEP_LABELS,
        "suspend_form": ReasonForm(label="Why suspend it?", auto_id="suspend-%s"),
        "reactivate_form": ReasonForm(label="Why reactivate it?", auto_id="reactivate-%s"),
        "offboard_form": ReasonForm(label="Why offboard it?", auto_id="offboard-%s"),
        "usage_url": _usage_url(tenant),
    }
    if runs:
        context.update(_run_context(runs[0], issues=[*current, *past]))
    return context


def _usage_url(tenant: Tenant) -> str | None:
    company = company_for(client_id=tenant.api_client.client_id, tenant_id=tenant.tenant_id)
    return reverse("usage:company", args=[company.pk]) if company else None


def _run_context(run: CheckRun, issues: list[HealthIssue] | None = None) -> dict:
    """A check with each step's label and, for a failed step, the issue that explains it."""
    if issues is None:
        issues = list(run.tenant.issues.all()) if run.finished else []
    by_kind = {issue.kind: issue for issue in issues}
    steps = [
        {
            **step,
            "label": STEP_LABELS.get(step["name"], step["name"]),
            "issue": by_kind.get(step.get("issue_kind") or "") if run.finished else None,
            # The error guide's reading of the ERP's answer, as every page shows ERP errors.
            "reading": step_reading(run.tenant, step.get("details"))
            if step.get("status") == StepStatus.FAILED
            else None,
        }
        for step in run.steps
    ]
    return {"run": run, "tenant": run.tenant, "steps": steps}


@require_GET
@permission_required(VIEW, raise_exception=True)
def tenant_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    tenant = get_object_or_404(Tenant.objects.select_related("api_client", "customer"), pk=pk)
    context = _tenant_context(tenant)
    for dotted in settings.TENANTS_PAGE_CONTEXT:  # what the apps built on tenants add
        context.update(import_string(dotted)(tenant))
    return render(request, "tenants/detail.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(OPERATE, raise_exception=True)
def tenant_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    tenant = get_object_or_404(Tenant.objects.select_related("api_client", "customer"), pk=pk)
    form = TenantEditForm(request.POST or None, tenant=tenant)
    if saved(
        request,
        form,
        lambda data: services.tenant_update(actor=request.user, tenant=tenant, **data),
    ):
        messages.success(request, f"{tenant.display_name} is saved.")
        return redirect("tenants:detail", pk=tenant.pk)
    return render(
        request,
        "tenants/edit.html",
        {"form": form, "tenant": tenant},
        status=400 if form.errors else 200,
    )


@require_POST
@permission_required(OPERATE, raise_exception=True)
def tenant_check(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    tenant = get_object_or_404(Tenant.objects.select_related("api_client", "customer"), pk=pk)
    try:
        run = health.check_start(tenant=tenant, trigger=CheckTrigger.MANUAL, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if request.htmx:
            return HttpResponseClientRedirect(reverse("tenants:detail", args=[tenant.pk]))
        return redirect("tenants:detail", pk=tenant.pk)
    if request.htmx:
        return render(request, "tenants/detail.html#check_run", _run_context(run))
    return redirect("tenants:detail", pk=tenant.pk)


@require_POST
@permission_required(OPERATE, raise_exception=True)
def check_step(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(CheckRun.objects.select_related("tenant"), pk=pk)
    run = health.check_run_next_step(run=run)
    run = CheckRun.objects.select_related("tenant").get(pk=run.pk)
    response = render(request, "tenants/detail.html#check_run", _run_context(run))
    if run.finished:
        # The issues and status on the page changed: let the page refresh those parts.
        return with_client_event(response, CHECK_FINISHED)
    return response


@require_GET
@permission_required(VIEW, raise_exception=True)
def tenant_issues_part(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    tenant = get_object_or_404(Tenant.objects.select_related("api_client", "customer"), pk=pk)
    return render(request, "tenants/detail.html#health", _tenant_context(tenant))


def _status_change(request: HtmxHttpRequest, pk: int, service, done: str) -> HttpResponse:
    tenant = get_object_or_404(Tenant, pk=pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["reason"].as_data())
        service(actor=request.user, tenant=tenant, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("tenants:detail", pk=tenant.pk)


@require_POST
@permission_required(OPERATE, raise_exception=True)
def tenant_suspend(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _status_change(request, pk, services.tenant_suspend, "Tenant suspended.")


@require_POST
@permission_required(OPERATE, raise_exception=True)
def tenant_offboard(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _status_change(request, pk, services.tenant_offboard, "Tenant offboarded.")


@require_POST
@permission_required(OPERATE, raise_exception=True)
def tenant_reactivate(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _status_change(request, pk, services.tenant_reactivate, "Tenant reactivated.")


# --- CSV import --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(OPERATE, raise_exception=True)
def tenant_import(request: HtmxHttpRequest) -> HttpResponse:
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        plan = csv_import.read(form.cleaned_data["file"].read())
    confirm = CsvConfirmForm(initial={"text": plan.text}) if plan and plan.importable else None
    return render(request, "tenants/import.html", {"form": form, "plan": plan, "confirm": confirm})


@require_POST
@permission_required(OPERATE, raise_exception=True)
def tenant_import_confirm(request: HtmxHttpRequest) -> HttpResponse:
    confirm = CsvConfirmForm(request.POST)
    if not confirm.is_valid():
        messages.error(request, "The import was not sent completely; upload the file again.")
        return redirect("tenants:import")
    text = confirm.cleaned_data["text"]
    try:
        created = csv_import.tenants_import(actor=request.user, text=text)
    except ValidationError as error:
        plan = csv_import.read_text(text)
        return render(
            request,
            "tenants/import.html",
            {
                "form": CsvUploadForm(),
                "plan": plan,
                "confirm": None,
                "import_error": " ".join(error.messages),
            },
            status=400,
        )
    pks = [tenant.pk for tenant in created]
    transaction.on_commit(lambda: tasks.check_tenants.delay(pks, trigger=CheckTrigger.ONBOARDING))
    messages.success(
        request,
        f"Imported {len(created)} tenant{pluralize(len(created))}; each is being verified in the "
        "background.",
    )
    return redirect(f"{reverse('tenants:list')}?status=onboarding&sort=created")


# --- issues inbox -----------------------------------------------------------------------------


@require_GET
@permission_required(VIEW, raise_exception=True)
def issue_inbox(request: HtmxHttpRequest) -> HttpResponse:
    form = IssueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = selectors.IssueFilters(
        status=data.get("status", IssueStatus.OPEN) if form.is_bound else IssueStatus.OPEN,
        kind=data.get("kind", ""),
        owner=data.get("owner", ""),
        q=data.get("q", ""),
    )
    page = Paginator(selectors.issue_inbox(filters), 100).get_page(request.GET.get("page"))
    for issue in page:
        issue.mute_form = mute_form_for(issue)
    context = {
        "form": form,
        "page": page,
        "kind_counts": selectors.kind_counts(),
        "owner_counts": selectors.owner_counts(),
        "catalogue": {kind.value: problem for kind, problem in CATALOGUE.items()},
        "query": query_without(request, "page"),
    }
    return render(request, page_or_partial(request, "tenants/issues.html", "results"), context)


@require_POST
@permission_required(OPERATE, raise_exception=True)
def issue_mute(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(HealthIssue.objects.select_related("tenant"), pk=pk)
    form = MuteForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["reason"].as_data())
        health.issue_mute(actor=request.user, issue=issue, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"Muted: {issue.get_kind_display()} on {issue.tenant.display_name}."
        )
    return redirect(safe_next(request, reverse("tenants:detail", args=[issue.tenant_id])))


@require_POST
@permission_required(OPERATE, raise_exception=True)
def issue_unmute(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(HealthIssue.objects.select_related("tenant"), pk=pk)
    try:
        health.issue_unmute(actor=request.user, issue=issue)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"Unmuted: {issue.get_kind_display()} on {issue.tenant.display_name}."
        )
    return redirect(safe_next(request, reverse("tenants:detail", args=[issue.tenant_id])))


@require_POST
@permission_required(OPERATE, raise_exception=True)
def issues_recheck(request: HtmxHttpRequest) -> HttpResponse:
    form = RecheckForm(request.POST)
    back = safe_next(request, reverse("tenants:issues"))  # the inbox with its filters
    if not form.is_valid():
        messages.error(request, "Tick at least one issue to check again.")
        return redirect(back)
    pks = selectors.tenants_for_recheck(issue_pks=form.cleaned_data["issues"])
    if pks:
        health.checks_requested(actor=request.user, tenant_pks=pks)
        transaction.on_commit(lambda: tasks.check_tenants.delay(pks, trigger=CheckTrigger.MANUAL))
        messages.success(
            request,
            f"Checking {len(pks)} tenant{pluralize(len(pks))} again in the background; "
            "refresh in a moment.",
        )
    else:
        messages.warning(request, "None of the ticked issues belongs to a tenant that is checked.")
    return redirect(back)


# --- API clients ---------------------------------------------------------------------------------


@require_GET
@permission_required(VIEW, raise_exception=True)
def client_list(request: HtmxHttpRequest) -> HttpResponse:
    clients = ApiClient.objects.annotate(tenant_count=Count("tenants")).order_by("name")
    return render(request, "tenants/clients.html", {"clients": clients})


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE_CREDENTIALS, raise_exception=True)
def client_new(request: HtmxHttpRequest) -> HttpResponse:
    form = ApiClientForm(request.POST or None)
    if saved(request, form, lambda data: services.api_client_create(actor=request.user, **data)):
        messages.success(request, "API client added.")
        return redirect("tenants:clients")
    return render(request, "tenants/client_form.html", {"form": form, "api_client": None})


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE_CREDENTIALS, raise_exception=True)
def client_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    api_client = get_object_or_404(ApiClient, pk=pk)
    form = ApiClientForm(request.POST or None, instance=api_client)
    if saved(
        request,
        form,
        lambda data: services.api_client_update(actor=request.user, api_client=api_client, **data),
    ):
        messages.success(request, "API client saved.")
        return redirect("tenants:clients")
    return render(request, "tenants/client_form.html", {"form": form, "api_client": api_client})


@require_POST
@permission_required(MANAGE_CREDENTIALS, raise_exception=True)
def client_test(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One token request with the stored credentials; the answer comes back as a message."""
    api_client = get_object_or_404(ApiClient, pk=pk)
    result = api_client_test_credentials(api_client=api_client)
    (messages.success if result.ok else messages.error)(request, result.message)
    return redirect("tenants:client_edit", pk=api_client.pk)


# --- customers -----------------------------------------------------------------------------------


@require_GET
@permission_required(VIEW, raise_exception=True)
def customer_list(request: HtmxHttpRequest) -> HttpResponse:
    customers = Customer.objects.annotate(tenant_count=Count("tenants")).order_by("name")
    page = Paginator(customers, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "tenants/customers.html",
        {"page": page, "query": query_without(request, "page")},
    )


@require_GET
@permission_required(VIEW, raise_exception=True)
def customer_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    tenants = customer.tenants.select_related("api_client").order_by("name", "pk")
    return render(request, "tenants/customer.html", {"customer": customer, "tenants": tenants})


@require_http_methods(["GET", "POST"])
@permission_required(OPERATE, raise_exception=True)
def customer_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    form = CustomerForm(request.POST or None, customer=customer)
    if saved(
        request,
        form,
        lambda data: services.customer_update(actor=request.user, customer=customer, **data),
    ):
        messages.success(request, f"{customer.name} is saved.")
        return redirect("tenants:customer", pk=customer.pk)
    return render(request, "tenants/customer_edit.html", {"customer": customer, "form": form})
