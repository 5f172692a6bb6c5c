"""Health services: running checks, recording what they found, and keeping issues honest.

- ``check_start`` + ``check_run_next_step``: a check one step per call, so a page can show each
  step as it finishes (htmx asks for the next step until none is left).
- ``check_tenant``: a whole check in one go (the sweep, "check again").
- Issues: one row per (tenant, kind). A problem seen again refreshes it (or reopens a resolved
  one); it resolves only after ``TENANTS_RESOLVE_AFTER_CHECKS`` good checks in a row, where "good"
  means the step that would show that problem passed. Muted issues still resolve that way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from erpclient import Priority
from portal import audit

from . import checks, schedule
from .catalogue import (
    ANY_STEP,
    CATALOGUE,
    CLEARED_BY,
    EVERY_STEP,
    THROTTLING_KINDS,
    IssueKind,
    render,
)
from .checks import CheckContext, StepResult
from .models import (
    CheckOutcome,
    CheckRun,
    CheckTrigger,
    HealthIssue,
    IssueStatus,
    Tenant,
    TenantStatus,
)
from .services import sync_metering
from .steps import ERP_STEPS, HEALTH_STEPS, ONBOARDING_STEPS, StepStatus

# Longer than one step may take (timeout and one retry).
STALE_STEP_SECONDS = 120


# --- running checks -------------------------------------------------------------------------


def steps_for(trigger: str) -> tuple[str, ...]:
    return ONBOARDING_STEPS if trigger == CheckTrigger.ONBOARDING else HEALTH_STEPS


def check_start(*, tenant: Tenant, trigger: str, actor=None) -> CheckRun:
    """A new check with every step pending; ``check_run_next_step`` runs them one by one."""
    if tenant.status == TenantStatus.OFFBOARDED:
        raise ValidationError("This tenant is offboarded; it is not checked any more.")
    if not tenant.is_checkable:
        raise ValidationError(
            f"This tenant is {tenant.get_status_display().lower()}, so it is not checked. "
            "Reactivate it to check it again."
        )
    with transaction.atomic():
        run = CheckRun.objects.create(
            tenant=tenant,
            trigger=trigger,
            actor=actor if actor is not None and actor.is_authenticated else None,
            started_at=timezone.now(),
            steps=[
                StepResult(name, StepStatus.PENDING, "").as_json() for name in steps_for(trigger)
            ],
        )
        if trigger == CheckTrigger.MANUAL:
            audit.record(
                actor=actor,
                action="tenant.check_requested",
                target=tenant,
                details={"check": run.pk},
            )
    return run


def checks_requested(*, actor, tenant_pks: Sequence[int]) -> None:
    """Staff asked for these tenants to be checked again in the background (audited; the caller
    sends the task once this commits)."""
    with transaction.atomic():
        for tenant in Tenant.objects.filter(pk__in=tenant_pks):
            audit.record(
                actor=actor,
                action="tenant.check_requested",
                target=tenant,
                details={"in": "background"},
            )


def _priority_for(trigger: str) -> Priority:
    # A person waiting may use the whole budget; the sweep only the background share.
    return Priority.BACKGROUND if trigger == CheckTrigger.SWEEP else Priority.INTERACTIVE


def check_run_next_step(*, run: CheckRun) -> CheckRun:
    """Run the first pending step of ``run`` and record it; finish the check after the last."""
    with transaction.atomic():
        run = CheckRun.objects.select_for_update().get(pk=run.pk)
        if run.finished:
            return run
        _release_stale(run)
        index = next(
            (i for i, s in enumerate(run.steps) if s["status"] == StepStatus.PENDING), None
        )
        if index is None:
            return _finish(run)
        if any(step["status"] == StepStatus.RUNNING for step in run.steps):
            return run  # another request is running a step; the page asks again
        run.steps[index]["status"] = StepStatus.RUNNING
        run.steps[index]["started"] = timezone.now().isoformat()
        run.save(update_fields=["steps"])
    tenant = Tenant.objects.select_related("api_client", "customer").get(pk=run.tenant_id)
    name = run.steps[index]["name"]
    # One step per web request: someone is waiting on the page for it.
    ctx = CheckContext(tenant, priority=_priority_for(run.trigger), interactive=True)
    try:
        result = checks.run_step(ctx, name)
    finally:
        ctx.close()
    with transaction.atomic():
        run = CheckRun.objects.select_for_update().get(pk=run.pk)
        results = _stored_results(run)
        results[index] = result
        _store_steps(run, results)
        _apply_facts(tenant, [result])
        if result.stops_check:
            for step in run.steps[index + 1 :]:
                if step["status"] == StepStatus.PENDING and step["name"] in ERP_STEPS:
                    step.update(status=StepStatus.SKIPPED, summary=_not_run_reason(result))
        run.save(update_fields=["steps"])
        if all(
            step["status"] not in (StepStatus.PENDING, StepStatus.RUNNING) for step in run.steps
        ):
            return _finish(run)
    return run


def _release_stale(run: CheckRun) -> None:
    """A step whose request died (browser closed, server restarted) runs again."""
    limit = timezone.now() - timedelta(seconds=STALE_STEP_SECONDS)
    for step in run.steps:
        if step["status"] == StepStatus.RUNNING:
            started = step.get("started")
            if not started or datetime.fromisoformat(started) < limit:
                step["status"] = StepStatus.PENDING


def _not_run_reason(result: StepResult) -> str:
    if result.status == StepStatus.SKIPPED:
        return "Not run: the check was held back to protect the company's budget."
    return f"Not run: “{checks.STEP_LABELS[result.name]}” failed."


def perform_check(tenant: Tenant, *, trigger: str) -> list[StepResult]:
    """Every step of a check against the ERP, in order; no database writes of our own."""
    ctx = CheckContext(tenant, priority=_priority_for(trigger))
    results: list[StepResult] = []
    stopped: StepResult | None = None
    try:
        for name in steps_for(trigger):
            if stopped is not None and name in ERP_STEPS:
                results.append(checks.not_run(name, _not_run_reason(stopped)))
                continue
            result = checks.run_step(ctx, name)
            results.append(result)
            if result.stops_check and name in ERP_STEPS:
                stopped = result
    finally:
        ctx.close()
    return results


def check_tenant(*, tenant: Tenant, trigger: str, actor=None) -> CheckRun:
    """Run a whole check now and record it (one write at the end)."""
    started_at = timezone.now()
    results = perform_check(tenant, trigger=trigger)
    return check_record(
        tenant=tenant, trigger=trigger, actor=actor, results=results, started_at=started_at
    )


def check_record(
    *,
    tenant: Tenant,
    trigger: str,
    results: Sequence[StepResult],
    started_at: datetime,
    actor=None,
) -> CheckRun:
    with transaction.atomic():
        run = CheckRun(
            tenant=tenant,
            trigger=trigger,
            actor=actor if actor is not None and actor.is_authenticated else None,
            started_at=started_at,
        )
        _store_steps(run, list(results))
        # Saves the run once, finished; the facts go onto the tenant with its other fields.
        return _finish(run, results=list(results), learn_facts=True)


def check_record_deferred(*, tenant: Tenant, reason: str, retry_at: datetime | None) -> CheckRun:
    """The sweep skipped a company to protect its budget; the timeline says so."""
    now = timezone.now()
    with transaction.atomic():
        run = CheckRun.objects.create(
            tenant=tenant,
            trigger=CheckTrigger.SWEEP,
            started_at=now,
            finished_at=now,
            outcome=CheckOutcome.DEFERRED,
            summary=f"Skipped: {reason}",
        )
        Tenant.objects.filter(pk=tenant.pk).update(next_check_at=retry_at or now)
    return run


def _store_steps(run: CheckRun, results: Sequence[StepResult]) -> None:
    run.steps = [result.as_json() for result in results]
    ratelimit = next((r.facts.get("ratelimit") for r in results if r.facts.get("ratelimit")), None)
    if ratelimit:
        run.ratelimit = ratelimit


def _apply_facts(tenant: Tenant, results: Iterable[StepResult]) -> None:
    """What the ERP told us about the company (id and name) goes onto the tenant."""
    fields = _learn_facts(tenant, results)
    if fields:
        tenant.save(update_fields=fields)
        _tell_usage(tenant, fields)


def _tell_usage(tenant: Tenant, fields: list[str]) -> None:
    """Usage meters the company by its id and name. Called with the tenant's row locked or
    written already: the tenant row first, then usage's, as every tenant change takes them."""
    if "company_id" in fields or "name" in fields:
        sync_metering(tenant)


def _learn_facts(tenant: Tenant, results: Iterable[StepResult]) -> list[str]:
    """Set what the ERP told us about the company (id and name) on ``tenant``; returns the
    changed fields for the caller to save."""
    fields: list[str] = []
    for result in results:
        company_id = result.facts.get("company_id")
        if company_id is None:
            continue
        name = result.facts.get("company_name") or ""
        if tenant.company_id != company_id:
            tenant.company_id = company_id
            fields.append("company_id")
        if name and tenant.erp_company_name != name:
            tenant.erp_company_name = name
            fields.append("erp_company_name")
        if not tenant.name and name:
            tenant.name = name
            fields.append("name")
    return list(dict.fromkeys(fields))


# --- the verdict ------------------------------------------------------------------------------


def _verdict(results: Sequence[StepResult]) -> tuple[str, str]:
    erp = [r for r in results if r.name in ERP_STEPS]
    found = [r for r in results if r.found is not None]
    held = [r for r in results if r.status == StepStatus.SKIPPED and r.defer_seconds is not None]
    if found:
        first = found[0]
        return CheckOutcome.FAILED, f"{checks.STEP_LABELS[first.name]}: {first.summary}"
    if held:
        return CheckOutcome.DEFERRED, held[0].summary
    if erp and all(r.status == StepStatus.PASSED for r in erp):
        return CheckOutcome.PASSED, "Every step passed."
    skipped = next((r for r in results if r.status != StepStatus.PASSED), None)
    return CheckOutcome.DEFERRED, skipped.summary if skipped else ""


def _finish(
    run: CheckRun, results: list[StepResult] | None = None, *, learn_facts: bool = False
) -> CheckRun:
    """Close the check: outcome, the tenant's health fields, its issues and its status; with
    ``learn_facts``, also what the ERP told about the company (a step-by-step check saved them
    as each step finished)."""
    if results is None:
        results = _stored_results(run)
    now = timezone.now()
    tenant = _locked_tenant(run)
    learnt = _learn_facts(tenant, results) if learn_facts else []
    _tell_usage(tenant, learnt)
    for field in learnt:  # the caller's copy too: it may name the company ("Checked <name>.")
        setattr(run.tenant, field, getattr(tenant, field))
    outcome, summary = _verdict(results)
    run.outcome, run.summary, run.finished_at = outcome, summary, now
    run.save()
    ran_erp = any(r.status != StepStatus.SKIPPED for r in results if r.name in ERP_STEPS)
    erp_passed = all(r.status == StepStatus.PASSED for r in results if r.name in ERP_STEPS)
    update: dict[str, Any] = {field: getattr(tenant, field) for field in learnt}
    if ran_erp:
        update.update(last_checked_at=now, last_check_ok=outcome == CheckOutcome.PASSED)
    defer = next((r.defer_seconds for r in results if r.defer_seconds), None)
    update["next_check_at"] = (
        now + timedelta(seconds=defer)
        if defer
        else schedule.next_check_after(tenant.tenant_id, checked_at=now)
    )
    issues = _apply_findings(tenant, results, run, now)
    # Every issue of the tenant is locked and in hand: counted here, not by another query.
    update["open_issue_count"] = sum(issue.status == IssueStatus.OPEN for issue in issues)
    if tenant.status == TenantStatus.ONBOARDING and erp_passed and ran_erp:
        update.update(status=TenantStatus.ACTIVE, activated_at=now)
        audit.record(
            actor=run.actor,
            action="tenant.activated",
            target=tenant,
            details={"check": run.pk, "reason": "every verification step passed"},
        )
    Tenant.objects.filter(pk=tenant.pk).update(**update)
    return run


def _locked_tenant(run: CheckRun) -> Tenant:
    """The run's tenant row, locked and read afresh. Only that row is locked: locking its API
    client and customer too would make every check of one API client wait for the others. The
    two are taken from the copy the check ran with when it has them (the sweep's batch read),
    else joined."""
    locked = Tenant.objects.select_for_update(of=("self",))
    known = run.tenant if CheckRun.tenant.is_cached(run) else None
    related = ("api_client", "customer")
    if known is None or not all(Tenant._meta.get_field(f).is_cached(known) for f in related):
        return locked.select_related(*related).get(pk=run.tenant_id)
    tenant = locked.get(pk=run.tenant_id)
    for name in related:
        if getattr(tenant, f"{name}_id") == getattr(known, f"{name}_id"):
            setattr(tenant, name, getattr(known, name))
    return tenant


def _stored_results(run: CheckRun) -> list[StepResult]:
    return [StepResult.from_json(step) for step in run.steps]


def _clears(kind: IssueKind, results: Sequence[StepResult]) -> bool:
    """Did this check prove that a problem of ``kind`` is gone?"""
    by_name = {r.name: r for r in results}
    erp = [r for r in results if r.name in ERP_STEPS]
    cleared_by = CLEARED_BY[kind]
    if cleared_by == EVERY_STEP:
        return bool(erp) and all(r.status == StepStatus.PASSED for r in erp)
    if cleared_by == ANY_STEP:
        return any(r.status == StepStatus.PASSED for r in erp)
    step = by_name.get(cleared_by)
    if step is None or step.status != StepStatus.PASSED:
        return False
    if kind == IssueKind.TEST_CLIENT_HEAVY:
        return step.facts.get("test_client_heavy") is False
    return True


def message_context(tenant: Tenant, details: dict[str, Any]) -> dict[str, Any]:
    retry = details.get("retry_after") or details.get("retry_after_seconds")
    return {
        "isv": settings.TENANTS_ISV_NAME,
        # The customer knows the company by the ERP's name; until a check has learnt it, the
        # tenant's display name (the name typed at onboarding, else the tenant id).
        "company": tenant.erp_company_name or tenant.display_name,
        "tenant_id": tenant.tenant_id,
        "company_id": tenant.company_id or "no company id yet",
        "customer": tenant.customer.name,
        "client_name": tenant.api_client.name,
        "client_id": tenant.api_client.client_id,
        "detail": details.get("message") or details.get("summary") or "no detail",
        "budget": details.get("budget") or details.get("summary") or "",
        "retry_after": f" (retry after {float(retry):g} s)" if retry else "",
        # An ERP outage (Visma): the incident as status.visma.com names it.
        "incident": f"“{details['incident']}”" if details.get("incident") else "an incident",
        "incident_status": (
            f" ({details['incident_status']})" if details.get("incident_status") else ""
        ),
        "incident_url": details.get("incident_url") or "status.visma.com",
    }


def _describe(issue: HealthIssue, tenant: Tenant, details: dict[str, Any]) -> None:
    problem = CATALOGUE[IssueKind(issue.kind)]
    context = message_context(tenant, details)
    issue.owner = problem.owner
    issue.title = problem.title
    issue.remediation = render(problem.remediation, context)
    issue.customer_message = render(problem.customer_message, context)
    issue.details = details


def _see(
    tenant: Tenant,
    kind: IssueKind,
    details: dict[str, Any],
    now: datetime,
    existing: HealthIssue | None,
    *,
    count: bool = True,
) -> HealthIssue:
    """Open, refresh or reopen the issue of ``kind``."""
    if existing is None:
        issue = HealthIssue(tenant=tenant, kind=kind, first_seen_at=now, last_seen_at=now)
        _describe(issue, tenant, details)
        issue.save()
        return issue
    issue = existing
    if issue.status == IssueStatus.RESOLVED:
        issue.status = IssueStatus.OPEN
        issue.resolved_at = None
        issue.muted_reason, issue.muted_by, issue.muted_at = "", None, None
        issue.occurrences += 1
    elif count:
        issue.occurrences += 1
    issue.last_seen_at = now
    issue.quiet_checks = 0
    _describe(issue, tenant, details)
    issue.save()
    return issue


def _apply_findings(
    tenant: Tenant, results: Sequence[StepResult], run: CheckRun, now: datetime
) -> list[HealthIssue]:
    """Open, refresh, reopen or quietly resolve the tenant's issues; returns all of them."""
    issues = {
        issue.kind: issue for issue in HealthIssue.objects.select_for_update().filter(tenant=tenant)
    }
    found: dict[IssueKind, dict[str, Any]] = {}
    for result in results:
        if result.found is not None and result.found.kind not in found:
            found[result.found.kind] = result.found.details
    found = outage_instead(found)
    for kind, details in found.items():
        existing = issues.get(kind)
        # A throttling alert from usage may already have refreshed it during this very check.
        count = not (
            kind in THROTTLING_KINDS
            and existing is not None
            and existing.status != IssueStatus.RESOLVED
            and existing.last_seen_at >= run.started_at
        )
        issues[kind] = _see(tenant, kind, details, now, existing, count=count)
    needed = settings.TENANTS_RESOLVE_AFTER_CHECKS
    for kind, issue in issues.items():
        if kind in found or issue.status == IssueStatus.RESOLVED:
            continue
        if not _clears(IssueKind(kind), results):
            continue
        issue.quiet_checks += 1
        if issue.quiet_checks >= needed:
            issue.status = IssueStatus.RESOLVED
            issue.resolved_at = now
        issue.save(update_fields=["quiet_checks", "status", "resolved_at"])
    return list(issues.values())


def outage_instead(found: dict[IssueKind, dict[str, Any]]) -> dict[IssueKind, dict[str, Any]]:
    """While status.visma.com confirms an incident on the ERP API or Visma Connect, the ERP
    failing is that outage (owner Visma), not a problem of this tenant."""
    if IssueKind.ERP_UNAVAILABLE not in found:
        return found
    from .statuspage import current_erp_incident, incident_url

    incident = current_erp_incident()
    if incident is None:
        return found
    details = {
        **found.pop(IssueKind.ERP_UNAVAILABLE),
        "incident": incident.name,
        "incident_status": incident.status,
        "incident_url": incident_url(incident),
        "incident_id": incident.incident_id,
    }
    return {**found, IssueKind.ERP_OUTAGE: details}


def _refresh_open_count(tenant: Tenant) -> None:
    count = tenant.issues.filter(status=IssueStatus.OPEN).count()
    Tenant.objects.filter(pk=tenant.pk).update(open_issue_count=count)


# --- throttling alerts from usage --------------------------------------------------------------


def issue_report_throttling(
    *, actor, client_id: str, tenant_id: str, kind: str, details: dict[str, Any]
) -> list[HealthIssue]:
    """usage saw a company near its limit, throttled, or a test client working too hard: open
    or refresh that tenant's issue (resolved later by quiet checks like any other). ``actor`` is
    None when usage's alert reports it: the audit log names the system."""
    issue_kind = IssueKind(kind)
    if issue_kind not in THROTTLING_KINDS:
        raise ValueError(f"{kind!r} is not a throttling kind")
    now = timezone.now()
    seen = []
    tenants = Tenant.objects.select_related("api_client", "customer").filter(
        api_client__client_id=client_id, tenant_id__iexact=tenant_id
    )
    for tenant in tenants.exclude(status=TenantStatus.OFFBOARDED):
        with transaction.atomic():
            # The tenant's row first, as a check's _finish takes it: the two then queue up
            # instead of deadlocking, and only one of them creates the issue.
            Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
            existing = (
                HealthIssue.objects.select_for_update()
                .filter(tenant=tenant, kind=issue_kind)
                .first()
            )
            issue = _see(tenant, issue_kind, dict(details), now, existing)
            _refresh_open_count(tenant)
            audit.record(
                actor=actor,
                action="issue.reported",
                target=issue,
                details={
                    "kind": issue.kind,
                    "source": "usage alert",
                    "summary": str(details.get("summary", ""))[:500],
                },
            )
            seen.append(issue)
    return seen


# --- staff actions on issues -------------------------------------------------------------------


def issue_mute(*, actor, issue: HealthIssue, reason: str) -> HealthIssue:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why this issue is muted, so others know."})
    if issue.status == IssueStatus.RESOLVED:
        raise ValidationError("This issue is resolved; there is nothing to mute.")
    with transaction.atomic():
        issue = HealthIssue.objects.select_for_update().get(pk=issue.pk)
        issue.status = IssueStatus.MUTED
        issue.muted_reason = reason[:2000]
        issue.muted_by = actor
        issue.muted_at = timezone.now()
        issue.save(update_fields=["status", "muted_reason", "muted_by", "muted_at"])
        _refresh_open_count(issue.tenant)
        audit.record(
            actor=actor,
            action="issue.muted",
            target=issue,
            details={"kind": issue.kind, "reason": issue.muted_reason},
        )
    return issue


def issue_unmute(*, actor, issue: HealthIssue) -> HealthIssue:
    if issue.status != IssueStatus.MUTED:
        raise ValidationError("This issue is not muted.")
    with transaction.atomic():
        issue = HealthIssue.objects.select_for_update().get(pk=issue.pk)
        issue.status = IssueStatus.OPEN
        issue.muted_reason, issue.muted_by, issue.muted_at = "", None, None
        issue.save(update_fields=["status", "muted_reason", "muted_by", "muted_at"])
        _refresh_open_count(issue.tenant)
        audit.record(
            actor=actor, action="issue.unmuted", target=issue, details={"kind": issue.kind}
        )
    return issue
