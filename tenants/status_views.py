"""The status.visma.com history: incidents and maintenance as confirmed, components now."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.htmx import HtmxHttpRequest
from portal.roles import VIEW

from .status_models import StatusComponent, StatusIncident
from .statuspage import current_erp_incident, incident_url


@require_GET
@permission_required(VIEW, raise_exception=True)
def status_history(request: HtmxHttpRequest) -> HttpResponse:
    page = Paginator(StatusIncident.objects.all(), 50).get_page(request.GET.get("page"))
    for incident in page:
        incident.link = incident_url(incident)
    context = {
        "page": page,
        "components": StatusComponent.objects.all(),
        "outage": current_erp_incident(),
        "query": "",
    }
    return render(request, "tenants/status_history.html", context)
