"""The Visma.net buttons page: the mapping (admins edit it) and every press, mapped or not."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from portal.htmx import HtmxHttpRequest, apply_errors, page_or_partial, query_without
from portal.inputs import is_database_id
from portal.roles import MANAGE_CREDENTIALS, VIEW

from . import automation
from .webhook_models import AutomationAction, AutomationMapping, AutomationRun, AutomationRunStatus

ADMIN = MANAGE_CREDENTIALS
PAGE_SIZE = 50


class MappingForm(forms.Form):
    event_type = forms.CharField(
        label="ERP event",
        max_length=100,
        help_text="An “action triggered” event, e.g. SALESORDER_UI_CUSTOMACTION.",
        widget=forms.TextInput({"list": "action-events"}),
    )
    parameter = forms.CharField(
        label="Webhook parameter",
        max_length=200,
        required=False,
        help_text="The automation action's parameter in Visma.net; empty matches any.",
    )
    action = forms.ChoiceField(label="Portal action", choices=AutomationAction.choices)
    note = forms.CharField(
        label="Note for staff",
        max_length=500,
        required=False,
        help_text="For “record a note”: what staff should do when the button is pressed.",
    )


class RunFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any"), *AutomationRunStatus.choices], required=False)


def _page(request, *, form=None, status: int = 200) -> HttpResponse:
    filters = RunFilterForm(request.GET or None)
    runs = AutomationRun.objects.select_related("tenant", "mapping", "check_run")
    if filters.is_valid() and filters.cleaned_data["status"]:
        runs = runs.filter(status=filters.cleaned_data["status"])
    context = {
        "mappings": AutomationMapping.objects.all(),
        "filters": filters,
        "page": Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query_without(request, "page"),
        "form": form
        or MappingForm(
            initial={
                "event_type": request.GET.get("event", "")[:100],
                "parameter": request.GET.get("parameter", "")[:200],
            }
        ),
        "can_edit": request.user.has_perm(ADMIN),
        "action_events": sorted(automation.ACTION_KINDS),
        "unmapped": AutomationRun.objects.filter(status=AutomationRunStatus.UNMAPPED).count(),
    }
    template = page_or_partial(request, "operations/automation.html", "runs")
    return render(request, template, context, status=status)


@require_GET
@permission_required(VIEW, raise_exception=True)
def automation_page(request: HtmxHttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@permission_required(ADMIN, raise_exception=True)
def mapping_add(request: HtmxHttpRequest) -> HttpResponse:
    form = MappingForm(request.POST)
    if form.is_valid():
        try:
            automation.mapping_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Mapping saved: the next press of that button runs it.")
            return redirect("operations:automation")
    return _page(request, form=form, status=400)


@require_POST
@permission_required(ADMIN, raise_exception=True)
def mapping_toggle(request: HtmxHttpRequest, pk: str) -> HttpResponse:
    if not is_database_id(pk):
        raise Http404("No such mapping.")
    mapping = get_object_or_404(AutomationMapping, pk=int(pk))
    automation.mapping_set_active(actor=request.user, mapping=mapping, active=not mapping.active)
    state = "disabled: presses are stored as unmapped" if mapping.active else "enabled"
    messages.success(request, f"Mapping {state}.")
    return redirect("operations:automation")
