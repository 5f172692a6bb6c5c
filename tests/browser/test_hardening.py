"""In Chromium: the audit log reads in words and fits a phone, an impossible audit date is explained
in place of the results, a lockout says how long it lasts, and the admin offers browsing only."""

from __future__ import annotations

import re
import uuid

import pytest
from django.db import transaction
from playwright.sync_api import expect

from portal import audit
from portal.roles import Role
from tenants.models import Customer
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def private_rate_limits(settings):
    # allauth counts sign-in attempts in the cache: this test's own, so no other test is locked out.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"browser-lockout-{uuid.uuid4()}",
        }
    }


def test_the_audit_log_reads_in_words_filters_by_them_and_fits_a_phone(
    sign_in, page, live_server, viewer, admin
):
    with transaction.atomic():
        audit.record(
            actor=admin,
            action="console.write",
            target_type="tenants.tenant",
            target_id="1",
            target_label="Aktiebolaget" + "Ö" * 80,
            details={
                "path": "/controller/api/v1/supplierInvoice/Invoice/000123/action/release"
                + "?filter="
                + "x" * 120,
                "when": "2026-05-01T09:30:00+00:00",
            },
        )
        audit.record(actor=admin, action="user.role_changed", target=admin, details={"role": "x"})
        customer = Customer.objects.create(name="Fjordkraft Regnskap AS")
        audit.record(actor=admin, action="customer.updated", target=customer)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(viewer)
    page.goto(f"{live_server.url}/audit/")
    results = page.locator("#audit-results")
    expect(results).to_contain_text("Write sent from the API console")
    write = results.get_by_role("row").filter(has_text="Write sent from the API console")
    expect(write.locator("td[data-label=Object]")).to_contain_text("Tenant Aktiebolaget")
    expect(write.locator("td[data-label=Details] time")).to_have_attribute(
        "datetime", "2026-05-01T09:30:00Z"
    )
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the audit log is {width} px wide on a phone"

    page.get_by_label("Action", exact=True).select_option(label="Role changed")
    expect(results).not_to_contain_text("Write sent from the API console")
    expect(results).to_contain_text("Role changed")
    assert "action=user.role_changed" in page.url

    # An object with a page of its own is a link to it.
    page.get_by_label("Action", exact=True).select_option(label="Customer changed")
    results.get_by_role("link", name="Fjordkraft Regnskap AS").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fjordkraft Regnskap AS")


def test_an_impossible_audit_date_is_explained_in_place(sign_in, page, live_server, viewer):
    sign_in(viewer)
    page.goto(f"{live_server.url}/audit/")
    page.locator("#id_until").fill("9999-12-31")
    page.locator("#id_until").dispatch_event("change")
    alert = page.locator("#audit-results").get_by_role("alert")
    expect(alert).to_contain_text("Enter a date from 2000-01-01 to 2099-12-31.")
    page.locator("#id_until").fill("2026-12-01")
    page.locator("#id_until").dispatch_event("change")
    expect(alert).to_have_count(0)


def test_a_lockout_says_how_long(page, live_server, private_rate_limits):
    user = make_user(Role.VIEWER, email=f"locked-{uuid.uuid4().hex[:6]}@isv.example")
    for _ in range(6):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
    expect(page.get_by_role("alert")).to_contain_text(
        "Too many failed login attempts. Try again in 5 minutes."
    )


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OPERATOR, Role.VIEWER])
def test_the_admin_offers_browsing_only(sign_in, page, live_server, role):
    user = make_user(role, email=f"{role.value}-{uuid.uuid4().hex[:6]}@isv.example")
    sign_in(user)
    response = page.goto(f"{live_server.url}/admin/portal/user/{user.pk}/change/")
    if role is not Role.ADMIN:
        assert response.status == 403
        return
    expect(page.get_by_role("heading", name=re.compile("View user"))).to_be_visible()
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    expect(page.get_by_text("Groups", exact=False).first).to_be_visible()
    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("link", name="Add")).to_have_count(0)
    expect(page.get_by_role("link", name="Groups")).to_have_count(0)
