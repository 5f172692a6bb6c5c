"""Job pages: the lists (per tenant and across tenants) and one job, live while it runs.

While a job (or any job on a page of the list) has not ended, the part that shows it asks again
every ``REFRESH_SECONDS`` with htmx; once it has ended the answer carries no trigger, so the
polling stops by itself.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from errorguide import explain_background_failure
from portal.erp_errors import shown
from portal.htmx import HtmxHttpRequest, page_or_partial, query_without
from portal.inputs import is_database_id
from portal.roles import OPERATE, VIEW
from tenants.links import error_links
from tenants.models import Tenant

from ..access import tenant_page_context
from . import selectors, services
from .actions import ACTIONS, CORRELATION_HEADER
from .models import BackgroundJob, JobOutcome

PAGE_SIZE = 50
REFRESH_SECONDS = 1


def _list(request: HtmxHttpRequest, tenant: Tenant | None) -> HttpResponse:
    page = Paginator(selectors.jobs(tenant), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "tenant": tenant,
        "page": page,
        "live": any(not job.ended for job in page),
        "refresh_seconds": REFRESH_SECONDS,
        "query": query_without(request, "page"),
        "actions": ACTIONS,
    }
    if tenant is not None and not request.htmx:
        # The header's links to the tenant's documents open only when the tenant is ready.
        context.update(tenant_page_context(tenant))
    return render(request, page_or_partial(request, "operations/jobs/list.html", "jobs"), context)


@require_GET
@permission_required(VIEW, raise_exception=True)
def job_list(request: HtmxHttpRequest) -> HttpResponse:
    return _list(request, None)


@require_GET
@permission_required(VIEW, raise_exception=True)
def tenant_job_list(request: HtmxHttpRequest, tenant_pk: int) -> HttpResponse:
    return _list(request, get_object_or_404(Tenant, pk=tenant_pk))


def _get_job(pk: int) -> BackgroundJob:
    if not is_database_id(pk):
        raise Http404
    try:
        return selectors.job(pk)
    except BackgroundJob.DoesNotExist as error:
        raise Http404 from error


def _failure(job: BackgroundJob):
    if job.outcome not in (JobOutcome.REFUSED, JobOutcome.CONFLICT) or not job.erp_status_code:
        return None
    reading = explain_background_failure(
        job.erp_status_code,
        job.erp_error_message or job.response_content,
        company=job.tenant.display_name,
    )
    return shown(reading, error_links(job.tenant))


@require_GET
@permission_required(VIEW, raise_exception=True)
def job_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    job = _get_job(pk)
    context = {
        "job": job,
        "action": ACTIONS.get(job.operation),
        "events": list(job.events.all()),
        "failure": _failure(job),
        "refresh_seconds": REFRESH_SECONDS,
        "correlation_header": CORRELATION_HEADER,
    }
    return render(request, page_or_partial(request, "operations/jobs/detail.html", "job"), context)


@require_POST
@permission_required(OPERATE, raise_exception=True)
def job_check_now(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    job = _get_job(pk)
    if services.job_reschedule(job.pk):
        messages.info(request, "The job's next step runs now; the page updates by itself.")
    else:
        messages.info(request, "This job has already ended; nothing to do.")
    return redirect("operations:job", pk=job.pk)
