"""The Operations index: its parts, and the tenants staff can act on, each saying why not."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.htmx import HtmxHttpRequest, page_or_partial, query_without
from portal.roles import VIEW

from . import selectors
from .access import Capability, readiness
from .forms import TenantSearchForm
from .sections import available

PAGE_SIZE = 25


@require_GET
@permission_required(VIEW, raise_exception=True)
def index(request: HtmxHttpRequest) -> HttpResponse:
    form = TenantSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(selectors.operable_tenants(query), PAGE_SIZE).get_page(request.GET.get("page"))
    sections = available(request.user)
    rows = [
        {
            "tenant": tenant,
            "cells": [
                {
                    "section": section,
                    "readiness": readiness(tenant, section.capability)
                    if section.capability
                    else None,
                    "url": section.tenant_url(tenant.pk),
                }
                for section in sections
                if section.tenant_url_name
            ],
        }
        for tenant in page
    ]
    context = {
        "form": form,
        "sections": sections,
        "tenant_sections": [s for s in sections if s.tenant_url_name],
        "page": page,
        "rows": rows,
        "capabilities": list(Capability),
        "query": query_without(request, "page"),
    }
    return render(request, page_or_partial(request, "operations/index.html", "tenants"), context)
