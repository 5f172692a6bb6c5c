"""A check step runs inside a web request: a slow or hung ERP costs the page a few seconds (the
interactive timeout), not the half minute of a background check with its retry, and the step
says what happened and what happens next."""

from __future__ import annotations

import pytest

from erpclient import Priority
from tenants import checks, health
from tenants.models import CheckTrigger
from tenants.steps import ERP_STEPS, StepStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("trigger", [CheckTrigger.ONBOARDING, CheckTrigger.MANUAL])
def test_a_step_the_erp_does_not_answer_in_time_stops_waiting_and_says_so(
    erp_settings, make_tenant, settings, trigger
):
    # The slow tenant's ERP answers after 1.5 s: three times the interactive timeout set here.
    settings.TENANTS_INTERACTIVE_TIMEOUT_SECONDS = 0.5
    tenant = make_tenant("slow")
    run = health.check_start(tenant=tenant, trigger=trigger)
    run = health.check_run_next_step(run=run)  # the token: Visma Connect is not slow
    assert run.steps[0]["status"] == StepStatus.PASSED
    run = health.check_run_next_step(run=run)  # the company context: the slow ERP
    step = run.steps[1]
    assert step["status"] == StepStatus.FAILED
    assert "The ERP did not answer within 0.5 seconds" in step["summary"]
    assert "Nothing was changed" in step["summary"] and "Check now" in step["summary"]
    assert step["details"]["error"] == "ErpTimeout"
    later = [s["status"] for s in run.steps[2:] if s["name"] in ERP_STEPS]
    assert later == [StepStatus.SKIPPED] * len(later)


def test_interactive_steps_do_not_retry_and_background_checks_keep_their_patience(
    erp_settings, make_tenant, settings
):
    settings.TENANTS_INTERACTIVE_TIMEOUT_SECONDS = 4.0
    tenant = make_tenant("healthy")
    contexts = {
        interactive: checks.CheckContext(
            tenant, priority=Priority.INTERACTIVE, interactive=interactive
        )
        for interactive in (True, False)
    }
    try:
        web, background = contexts[True].client, contexts[False].client
        assert web._settings.timeout.read == 4.0 and web._settings.retry.max_retries == 0
        assert background._settings.timeout.read == settings.TENANTS_CHECK_TIMEOUT_SECONDS
        assert background._settings.retry.max_retries == settings.TENANTS_CHECK_MAX_RETRIES
    finally:
        for ctx in contexts.values():
            ctx.close()


def test_the_slow_tenant_still_passes_within_the_default_interactive_timeout(
    erp_settings, make_tenant
):
    tenant = make_tenant("slow")
    run = health.check_start(tenant=tenant, trigger=CheckTrigger.ONBOARDING)
    while not run.finished:
        run = health.check_run_next_step(run=run)
    assert [s["status"] for s in run.steps] == [StepStatus.PASSED] * len(run.steps)
