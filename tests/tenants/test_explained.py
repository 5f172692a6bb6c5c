"""A failed check step shows the error guide's reading of what the ERP answered, rebuilt from the
details the step stored, with the tenant's own links."""

from __future__ import annotations

import pytest
from django.urls import reverse

from errorguide.catalogue import Link
from tenants import health
from tenants.explained import step_reading
from tenants.models import CheckRun, CheckTrigger
from tenants.steps import StepStatus

pytestmark = pytest.mark.django_db


def _failed_step(tenant) -> dict:
    health.check_tenant(tenant=tenant, trigger=CheckTrigger.MANUAL)
    run = CheckRun.objects.filter(tenant=tenant).latest("pk")
    return next(step for step in run.steps if step["status"] == StepStatus.FAILED)


@pytest.mark.parametrize(
    ("scenario", "key"),
    [
        ("no_license", "no_license"),
        ("company_context", "company_context"),
        ("not_approved", "invalid_tenant"),
        ("customer_tenant", "customer_tenant_id"),
    ],
)
def test_a_failed_step_reads_as_the_guides_entry_with_the_tenants_issue(
    erp_settings, make_tenant, scenario, key
):
    tenant = make_tenant(scenario)
    shown = step_reading(tenant, _failed_step(tenant)["details"])
    assert shown.reading.first.key == key
    links = {link.url for explanation in shown.explanations for link in explanation.links}
    assert reverse("tenants:detail", args=[tenant.pk]) + "#issues-title" in links
    assert shown.reading.raw


def test_a_throttled_step_links_to_the_companys_usage(make_tenant):
    tenant = make_tenant("healthy")
    details = {
        "error": "RateLimited",
        "status": 429,
        "message": "Rate limit is exceeded. Try again in 30 seconds.",
        "path": "/resources/v1/context",
        "raw": '{"statusCode": 429}',
    }
    shown = step_reading(tenant, details)
    assert shown.reading.first.key == "rate_limited"
    assert Link.USAGE_PAGE in shown.reading.first.links
    assert [link.label for link in shown.explanations[0].links] == ["Open the company's usage page"]


def test_a_step_that_stored_no_erp_error_has_no_reading(make_tenant):
    tenant = make_tenant("healthy")
    assert step_reading(tenant, {}) is None
    assert step_reading(tenant, {"step": "token"}) is None


def test_a_class_the_guide_does_not_know_is_still_explained_raw(make_tenant):
    tenant = make_tenant("healthy")
    shown = step_reading(
        tenant,
        {"error": "NoSuchErrorClass", "status": 418, "message": "I'm a teapot", "raw": "teapot"},
    )
    assert shown.reading.first.key == "unknown"
    assert "not in the catalogue yet" in shown.reading.first.title
    assert shown.reading.raw == "teapot"
