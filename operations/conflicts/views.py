"""The conflict view of an action the ERP refused with 412: the document changed after the
person opened it. It shows, field by field, the document then and now, and asks to confirm the
action again on the latest version (a new If-Match) or to leave it. (The header edit's conflict
view is rendered by the edit itself: ``operations.invoices.views``.)"""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from erpclient import ErpError
from portal.inputs import is_database_id
from portal.roles import VIEW

from ..erp import StaffClient
from ..financials.forms import ActionForm
from ..financials.kinds import DocumentKind
from ..financials.selectors import erp_error
from ..invoices.kind import INVOICES
from ..invoices.rules import approval_words
from ..jobs import selectors as job_selectors
from ..jobs.actions import ACTIONS, fetch_document
from ..jobs.models import BackgroundJob, JobOutcome
from ..payments.kind import PAYMENTS
from . import diff

FIELDS = (("status", "Status"), ("approval_status", "Approval status"), ("version", "Version"))


# The document kinds whose actions run as jobs, by the job's document kind.
KINDS = {kind.kind: kind for kind in (INVOICES, PAYMENTS)}


def _confirm_form(request, job: BackgroundJob, kind: DocumentKind, document) -> ActionForm:
    initial = kind.action_initial(
        request, job.tenant_id, job.document_type, job.document_number, job.operation, document
    )
    return ActionForm(initial=initial)


@require_GET
@permission_required(VIEW, raise_exception=True)
def job_conflict(request, pk: int) -> HttpResponse:
    if not is_database_id(pk):
        raise Http404
    try:
        job = job_selectors.job(pk)
    except BackgroundJob.DoesNotExist as error:
        raise Http404 from error
    if job.outcome != JobOutcome.CONFLICT:
        raise Http404("this job had no conflict")
    context: dict = {"job": job, "action": ACTIONS.get(job.operation)}
    with StaffClient(job.tenant) as erp:
        try:
            document = fetch_document(
                erp.client, job.document_kind, job.document_type, job.document_number
            )
        except ErpError as error:
            context["error"] = erp_error(job.tenant, error)
            return render(request, "operations/conflicts/action.html", context, status=502)
        context["cost"] = erp.cost()
    opened = {
        "status": job.seen.get("status", ""),
        "approval_status": approval_words(job.seen.get("approval_status", "")),
        "version": job.if_match,
    }
    now = {
        "status": document.status or "",
        "approval_status": approval_words(getattr(document, "approval_status", None)),
        "version": document.etag or "",
    }
    kind = KINDS[job.document_kind]
    fields = tuple(f for f in FIELDS if f[0] in kind.seen or f[0] == "version")
    still_allowed = job.operation in kind.allowed_actions(document)
    form = url = None
    if still_allowed and request.user.has_perm("portal.operate") and job.operation != "attach":
        form = _confirm_form(request, job, kind, document)
        url = kind.action_url(job.tenant_id, job.document_type, job.document_number, job.operation)
    context.update(
        {
            "document": document,
            "rows": diff.rows(fields, opened, now),
            "form": form,
            "form_url": url,
            "allowed": still_allowed,
        }
    )
    return render(request, "operations/conflicts/action.html", context)
