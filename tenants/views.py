"""Pages: tenants list, tenant page with live checks, adding and importing tenants, the issues
inbox and API clients. Permissions are checked before any lookup; writes go through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from portal.querystrings import query_without
from portal.roles import MANAGE_CREDENTIALS, OPERATE, VIEW

from . import csv_import, health, selectors, services, tasks
from .catalogue import CATALOGUE
from .checks import STEP_LABELS
from .forms import (
    NEW_CUSTOMER,
    ApiClientForm,
    CsvConfirmForm,
    CsvUploadForm,
    IssueFilterForm,
    MuteForm,
    ReasonForm,
    RecheckForm,
    TenantEditForm,
    TenantFilterForm,
    TenantForm,
)
from .models import ApiClient, CheckRun, CheckTrigger, HealthIssue, IssueStatus, Tenant


def _partial(request: HttpRequest, template: str, name: str) -> str:
    """The named partial for an htmx request that swaps part of the page, else the page."""
    if request.htmx and not request.htmx.boosted:
        return f"{template}#{name}"
    return template


def _next(request: HttpRequest, default: str) -> str:
    """Where to go back to: a ``next`` on this site, else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- tenants list -----------------------------------------------------------------------------


@require_GET
@permission_required(VIEW, raise_exception=True)
def tenant_list(request: HttpRequest) -> HttpResponse:
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
    context = {
        "form": form,
        "page": page,
        "filters": filters,
        "status_counts": selectors.status_counts(),
        "kind_counts": selectors.kind_counts(),
        "owner_counts": selectors.owner_counts(),
        "query": query_without(request, "page"),
        "sort_query": query_without(request, "page", "sort"),
    }
    return render(request, _partial(request, "tenants/list.html", "results"), context)


# --- adding a tenant ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(OPERATE, raise_exception=True)
def tenant_new(request: HttpRequest) -> HttpResponse:
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
            _form_errors(form, error)
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
    runs = selectors.tenant_checks(tenant)
    context = {
        "tenant": tenant,
        "current_issues": current,
        "past_issues": past,
        "runs": runs,
        "step_labels": STEP_LABELS,
        "reason_form": ReasonForm(),
        "mute_form": MuteForm(),
    }
    if runs:
        context.update(_run_context(runs[0], issues=[*current, *past]))
    return context


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
        }
        for step in run.steps
    ]
    return {"run": run, "tenant": run.tenant, "steps": steps}


@require_GET
@permission_required(VIEW, raise_exception=True)
def tenant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = get_object_or_404(Tenant.objects.select_related("api_client", "customer"), pk=pk)
    return render(request, "tenants/detail.html", _tenant_context(tenant))


@require_http_methods(["GET", "POST"])
@permission_required(OPERATE, raise_exception=True)
def tenant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = get_object_or_404(Tenant.objects.select_related("api_client", "customer"), pk=pk)
    form = TenantEditForm(
        request.POST or None, initial={"name": tenant.name, "notes": tenant.notes}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.tenant_update(actor=request.user, tenant=tenant, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("tenants:detail", pk=tenant.pk)
    return render(
        request,
        "tenants/edit.html",
        {"form": form, "tenant": tenant},
        status=400 if form.errors else 200,
    )


@require_POST
@permission_required(OPERATE, raise_exception=True)
def tenant_check(request: HttpRequest, pk: int) -> HttpResponse:
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
def check_step(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(CheckRun.objects.select_related("tenant"), pk=pk)
    run = health.check_run_next_step(run=run)
    run = CheckRun.objects.select_related("tenant").get(pk=run.pk)
    response = render(request, "tenants/detail.html#check_run", _run_context(run))
    if run.finished:
        # The issues and status on the page changed: let the page refresh those parts.
        response["HX-Trigger"] = "tenants:check-finished"
    return response


@require_GET
@permission_required(VIEW, raise_exception=True)
def tenant_issues_part(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = get_object_or_404(Tenant.objects.select_related("api_client", "customer"), pk=pk)
    return render(request, "tenants/detail.html#health", _tenant_context(tenant))


def _status_change(request: HttpRequest, pk: int, service, done: str) -> HttpResponse:
    tenant = get_object_or_404(Tenant, pk=pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("tenants:detail", pk=tenant.pk)
    try:
        service(actor=request.user, tenant=tenant, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("tenants:detail", pk=tenant.pk)


@require_POST
@permission_required(OPERATE, raise_exception=True)
def tenant_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(request, pk, services.tenant_suspend, "Tenant suspended.")


@require_POST
@permission_required(OPERATE, raise_exception=True)
def tenant_offboard(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(request, pk, services.tenant_offboard, "Tenant offboarded.")


@require_POST
@permission_required(OPERATE, raise_exception=True)
def tenant_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(request, pk, services.tenant_reactivate, "Tenant reactivated.")


# --- CSV import --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(OPERATE, raise_exception=True)
def tenant_import(request: HttpRequest) -> HttpResponse:
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        plan = csv_import.read(form.cleaned_data["file"].read())
    confirm = CsvConfirmForm(initial={"text": plan.text}) if plan and plan.importable else None
    return render(request, "tenants/import.html", {"form": form, "plan": plan, "confirm": confirm})


@require_POST
@permission_required(OPERATE, raise_exception=True)
def tenant_import_confirm(request: HttpRequest) -> HttpResponse:
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
        request, f"Imported {len(created)} tenant(s); each is being verified in the background."
    )
    return redirect(f"{reverse('tenants:list')}?status=onboarding&sort=created")


# --- issues inbox -----------------------------------------------------------------------------


@require_GET
@permission_required(VIEW, raise_exception=True)
def issue_inbox(request: HttpRequest) -> HttpResponse:
    form = IssueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = selectors.IssueFilters(
        status=data.get("status", IssueStatus.OPEN) if form.is_bound else IssueStatus.OPEN,
        kind=data.get("kind", ""),
        owner=data.get("owner", ""),
        q=data.get("q", ""),
    )
    page = Paginator(selectors.issue_inbox(filters), 100).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "kind_counts": selectors.kind_counts(),
        "owner_counts": selectors.owner_counts(),
        "catalogue": {kind.value: problem for kind, problem in CATALOGUE.items()},
        "query": query_without(request, "page"),
        "mute_form": MuteForm(),
    }
    return render(request, _partial(request, "tenants/issues.html", "results"), context)


@require_POST
@permission_required(OPERATE, raise_exception=True)
def issue_mute(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(HealthIssue.objects.select_related("tenant"), pk=pk)
    form = MuteForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Say why this issue is muted, so others know.")
        health.issue_mute(actor=request.user, issue=issue, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Muted: {issue.get_kind_display()} on {issue.tenant.name}.")
    return redirect(_next(request, reverse("tenants:detail", args=[issue.tenant_id])))


@require_POST
@permission_required(OPERATE, raise_exception=True)
def issue_unmute(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(HealthIssue.objects.select_related("tenant"), pk=pk)
    try:
        health.issue_unmute(actor=request.user, issue=issue)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Unmuted: {issue.get_kind_display()} on {issue.tenant.name}.")
    return redirect(_next(request, reverse("tenants:detail", args=[issue.tenant_id])))


@require_POST
@permission_required(OPERATE, raise_exception=True)
def issues_recheck(request: HttpRequest) -> HttpResponse:
    form = RecheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Tick at least one issue to check again.")
        return redirect("tenants:issues")
    pks = selectors.tenants_for_recheck(issue_pks=form.cleaned_data["issues"])
    if pks:
        health.checks_requested(actor=request.user, tenant_pks=pks)
        transaction.on_commit(lambda: tasks.check_tenants.delay(pks, trigger=CheckTrigger.MANUAL))
        messages.success(
            request, f"Checking {len(pks)} tenant(s) again in the background; refresh in a moment."
        )
    else:
        messages.warning(request, "None of the ticked issues belongs to a tenant that is checked.")
    return redirect(_next(request, reverse("tenants:issues")))


# --- API clients ---------------------------------------------------------------------------------


@require_GET
@permission_required(VIEW, raise_exception=True)
def client_list(request: HttpRequest) -> HttpResponse:
    from django.db.models import Count

    clients = ApiClient.objects.annotate(tenant_count=Count("tenants")).order_by("name")
    return render(request, "tenants/clients.html", {"clients": clients})


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE_CREDENTIALS, raise_exception=True)
def client_new(request: HttpRequest) -> HttpResponse:
    form = ApiClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.api_client_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "API client added.")
            return redirect("tenants:clients")
    return render(request, "tenants/client_form.html", {"form": form, "api_client": None})


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE_CREDENTIALS, raise_exception=True)
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    api_client = get_object_or_404(ApiClient, pk=pk)
    form = ApiClientForm(request.POST or None, instance=api_client)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        secret = data.pop("client_secret", "")
        try:
            services.api_client_update(
                actor=request.user, api_client=api_client, client_secret=secret, **data
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "API client saved.")
            return redirect("tenants:clients")
    return render(request, "tenants/client_form.html", {"form": form, "api_client": api_client})
