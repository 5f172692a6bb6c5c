"""No page, log line, audit row or stored error ever contains a client secret or an access token.

A known secret is set, real checks run against the sandbox (so tokens exist and every kind of
record is written), then every page of the portal is rendered and searched.
"""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from operations.console.models import ConsoleCall
from portal.models import AuditEvent
from tenants import erp, health, services
from tenants.models import CheckRun, CheckTrigger, HealthIssue
from tenants.token_store import get_token_store

pytestmark = pytest.mark.django_db

SECRET = "sandbox-prod-secret-7b2e64"  # the demo production client's sandbox secret
WRONG_SECRET = "LEAK-CANARY-wrong-secret-9931"


def _patterns(patterns, prefix=""):
    for entry in patterns:
        regex = entry.pattern.regex.pattern.lstrip("^")
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + regex)
        elif isinstance(entry, URLPattern):
            yield prefix + regex


def _paths(candidates: list[int]) -> set[str]:
    """Every GET-able path of the project, with each id parameter tried with real ids."""
    paths = set()
    for regex in _patterns(get_resolver().url_patterns):
        if "(?P<" in regex and not re.search(r"\(\?P<\w+>\[0-9\]\+\)", regex):
            continue  # slugs and tokens (allauth, admin) have nothing of ours behind them
        for value in candidates:
            path = re.sub(r"\(\?P<\w+>\[0-9\]\+\)", str(value), regex)
            path = "/" + path.replace(r"\Z", "").rstrip("$").replace("\\", "")
            paths.add(path)
    return paths


@pytest.fixture
def world(erp_settings, make_tenant, demo_clients, admin):
    tenants = [
        make_tenant(scenario)
        for scenario in ("healthy", "no_license", "customer_tenant", "company_context")
    ]
    for tenant in tenants:
        health.check_tenant(tenant=tenant, trigger=CheckTrigger.MANUAL)
    token = get_token_store().get(erp.token_keys(tenants[0])[0])
    assert token is not None, "the check left a token in the shared store"
    # A wrong secret on the test client: invalid_client everywhere it is used.
    wrong = make_tenant("healthy", "test", tenant_id="6e2a4c1b-9d3f-4a7b-8c82-3f5d7b9e1a22")
    services.api_client_update(
        actor=admin, api_client=demo_clients["test"], client_secret=WRONG_SECRET
    )
    wrong.refresh_from_db()
    health.check_tenant(tenant=wrong, trigger=CheckTrigger.MANUAL)
    assert HealthIssue.objects.filter(kind="invalid_client").exists()
    run = health.check_start(tenant=tenants[0], trigger=CheckTrigger.MANUAL, actor=admin)
    health.check_run_next_step(run=run)
    _console_calls(tenants, admin)
    return {"tenants": [*tenants, wrong], "token": token.access_token}


def _console_calls(tenants, admin) -> None:
    """API console calls with the tenant's token: a read, a refused write and an explained
    error, so the console's pages and history have something to show."""
    from erpspecs import specs
    from operations.console.forms import OperationForm
    from operations.console.services import console_send

    calls = [
        ("financials.SupplierInvoice_GetAllInvoices", {"query__pageSize": "2"}),
        (
            "financials.SupplierInvoice_PutByinvoiceNumber",
            {
                "path__invoiceNumber": "no-such-invoice",
                "body": '{"description": {"value": "x"}}',
                "confirm_company": "on",
            },
        ),
    ]
    for tenant in tenants[:2]:
        for key, data in calls:
            form = OperationForm(specs().get(key), data)
            assert form.is_valid(), form.errors
            console_send(actor=admin, tenant=tenant, op=form.op, request=form.request_to_send)


def _needles(world) -> list[str]:
    return [SECRET, WRONG_SECRET, world["token"]]


def test_no_page_shows_a_secret_or_a_token(world, client_for, admin, demo_clients):
    client = client_for(admin)
    candidates = sorted(
        {t.pk for t in world["tenants"]}
        | set(CheckRun.objects.values_list("pk", flat=True))
        | set(HealthIssue.objects.values_list("pk", flat=True))
        | {c.pk for c in demo_clients.values()}
        | set(ConsoleCall.objects.values_list("pk", flat=True))
    )
    paths = _paths(candidates)
    assert reverse("tenants:detail", args=[world["tenants"][0].pk]) in paths
    # The console with an operation's form and the history of the calls above.
    for tenant in world["tenants"]:
        for key in (
            "financials.SupplierInvoice_GetAllInvoices",
            "financials.SupplierInvoice_PutByinvoiceNumber",
        ):
            paths.add(reverse("operations:console", args=[tenant.pk]) + f"?op={key}")
    for call in ConsoleCall.objects.all():
        paths.add(reverse("operations:console_curl", args=[call.tenant_id, call.pk]))
    rendered = 0
    for path in sorted(paths):
        if path.startswith("/accounts/logout"):
            continue
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.get(path, **headers)
            body = response.content.decode("utf-8", "replace")
            for needle in _needles(world):
                assert needle not in body, f"{path} shows a secret or token"
            rendered += response.status_code == 200
    assert rendered > 20


def test_a_rejected_form_does_not_echo_the_secret(world, client_for, admin, demo_clients):
    response = client_for(admin).post(
        reverse("tenants:client_edit", args=[demo_clients["production"].pk]),
        {"name": "", "client_id": "isv_demo_prod", "client_secret": "typed-but-rejected-77"},
    )
    assert response.status_code == 200
    assert "typed-but-rejected-77" not in response.content.decode()


def test_no_audit_row_or_stored_record_holds_a_secret(world):
    stored = [
        json.dumps(
            list(AuditEvent.objects.values("action", "details", "target_label")), default=str
        ),
        json.dumps(list(CheckRun.objects.values("steps", "summary", "ratelimit")), default=str),
        json.dumps(
            list(HealthIssue.objects.values("details", "remediation", "customer_message")),
            default=str,
        ),
        json.dumps(list(ConsoleCall.objects.values()), default=str),
    ]
    assert ConsoleCall.objects.exists()
    assert AuditEvent.objects.filter(action="api_client.secret_changed").exists()
    for text in stored:
        for needle in _needles(world):
            assert needle not in text


def test_no_log_line_holds_a_secret(erp_settings, make_tenant, admin, caplog):
    caplog.set_level(logging.DEBUG)
    tenant = make_tenant("healthy")
    health.check_tenant(tenant=tenant, trigger=CheckTrigger.MANUAL)
    _console_calls([tenant], admin)
    token = get_token_store().get(erp.token_keys(tenant)[0])
    assert token is not None
    assert caplog.records, "the check logged something"
    for record in caplog.records:
        line = record.getMessage()
        assert SECRET not in line
        assert token.access_token not in line


def test_error_texts_are_scrubbed_even_if_the_erp_echoed_a_secret(erp_settings, make_tenant):
    """Belt and braces: an ERP message quoting the secret is masked before it is stored."""
    from erpclient import ValidationFailed
    from tenants import checks

    tenant = make_tenant("healthy")
    ctx = checks.CheckContext(tenant, priority=checks.Priority.INTERACTIVE)
    error = ValidationFailed(f"bad client_secret={SECRET}", status=400, body={"echo": SECRET})
    details = checks.error_details(error, "token", ctx)
    assert SECRET not in json.dumps(details)
