"""The conflict view of an action the ERP refused with 412: the document changed after the
person opened it. It shows, field by field, the document then and now, and asks to confirm the
action again on the latest version (a new If-Match) or to leave it. (The header edit's conflict
view is rendered by the edit itself: ``operations.invoices.views``.)"""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from erpclient import ErpError
from portal import form_tokens
from portal.inputs import is_database_id
from portal.roles import VIEW

from ..documents import form_scope
from ..erp import StaffClient
from ..invoices import rules as invoice_rules
from ..invoices.forms import ActionForm
from ..invoices.selectors import erp_error
from ..jobs import selectors as job_selectors
from ..jobs.actions import ACTIONS, fetch_document
from ..jobs.models import BackgroundJob, JobOutcome
from ..payments import rules as payment_rules
from ..refresh import Kind
from . import diff

FIELDS = (("status", "Status"), ("approval_status", "Approval status"), ("version", "Version"))


def _still_allowed(job: BackgroundJob, document) -> bool:
    if job.document_kind == Kind.SUPPLIER_PAYMENT:
        return payment_rules.can_release(document)
    return job.operation in invoice_rules.allowed_actions(document)


def _confirm_form(request, job: BackgroundJob, document) -> tuple[ActionForm, str]:
    if job.document_kind == Kind.SUPPLIER_PAYMENT:
        kind = "payment:release"
        url = reverse(
            "operations:payment_release",
            args=[job.tenant_id, job.document_type, job.document_number],
        )
    else:
        kind = f"invoice:{job.operation}"
        url = reverse(
            "operations:invoice_action",
            args=[job.tenant_id, job.document_type, job.document_number, job.operation],
        )
    form = ActionForm(
        initial={
            "token": form_tokens.issue(
                user=request.user,
                kind=kind,
                scope=form_scope(job.tenant_id, job.document_type, job.document_number),
            ),
            "etag": document.etag,
            "seen_status": document.status or "",
            "seen_approval": getattr(document, "approval_status", None) or "",
        }
    )
    return form, url


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
        "approval_status": job.seen.get("approval_status", ""),
        "version": job.if_match,
    }
    now = {
        "status": document.status or "",
        "approval_status": getattr(document, "approval_status", None) or "",
        "version": document.etag or "",
    }
    if job.document_kind == Kind.SUPPLIER_PAYMENT:
        fields = tuple(f for f in FIELDS if f[0] != "approval_status")
    else:
        fields = FIELDS
    allowed = _still_allowed(job, document) and request.user.has_perm("portal.operate")
    form = url = None
    if allowed and job.operation != "attach":
        form, url = _confirm_form(request, job, document)
    context.update(
        {
            "document": document,
            "rows": diff.rows(fields, opened, now),
            "form": form,
            "form_url": url,
            "allowed": _still_allowed(job, document),
        }
    )
    return render(request, "operations/conflicts/action.html", context)
