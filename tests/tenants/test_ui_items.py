"""The tenants pages' fixes of issue 9: names that are never blank, honest counts and labels,
suspension that stops checks, the tenant edit and customers pages, Test credentials, tenant ids
without dashes, and the demo's tenants left for a newcomer."""

from __future__ import annotations

import html as htmllib
import re
from urllib.parse import parse_qsl

import pytest
from django.urls import reverse
from django.utils import timezone

from operations.access import Capability, readiness
from portal.models import AuditEvent
from tenants import demo, health, services
from tenants.catalogue import CATALOGUE, render
from tenants.erp import token_keys
from tenants.models import CheckRun, CheckTrigger, Customer, Tenant
from tenants.selectors import SORT_ORDERS
from tenants.token_store import get_token_store
from tenants.views import TENANT_COLUMNS
from tests.tenants.helpers import make_issue
from usage.models import MeteredCompany

pytestmark = pytest.mark.django_db


# --- display names ------------------------------------------------------------------------------


def test_every_catalogue_message_names_a_tenant_without_a_name(make_tenant):
    tenant = make_tenant("no_license", name="")
    assert tenant.name == "" and tenant.erp_company_name == ""
    context = health.message_context(tenant, {"message": "boom"})
    for problem in CATALOGUE.values():
        for text in (problem.remediation, problem.customer_message):
            rendered = render(text, context)
            for blank in (" for .", " for ,", "for , ", " on .", "( ", "()"):
                assert blank not in rendered, (problem.kind, blank, rendered)
            if "{company}" in text:
                assert tenant.tenant_id in rendered
    assert str(tenant) == tenant.display_name == tenant.tenant_id


def test_the_name_falls_back_to_the_erp_name_then_the_typed_one(make_tenant):
    tenant = make_tenant("healthy", name="")
    tenant.erp_company_name = "Nordlys Handel AS"
    assert tenant.display_name == "Nordlys Handel AS"
    tenant.name = "Nordlys (typed)"
    assert tenant.display_name == "Nordlys (typed)"
    assert health.message_context(tenant, {})["company"] == "Nordlys Handel AS"


def test_the_audit_and_the_mute_toast_name_an_unnamed_tenant(client_for, operator, make_tenant):
    tenant = make_tenant("no_license", name="")
    assert AuditEvent.objects.get(action="tenant.created").target_label == tenant.tenant_id
    issue = make_issue(tenant)
    response = client_for(operator).post(
        reverse("tenants:issue_mute", args=[issue.pk]), {"reason": "Known"}, follow=True
    )
    assert f"on {tenant.tenant_id}." in response.content.decode()


def test_a_mute_reason_that_is_too_long_says_so_and_mutes_nothing(
    client_for, operator, make_tenant
):
    issue = make_issue(make_tenant("no_license"))
    url = reverse("tenants:issue_mute", args=[issue.pk])
    response = client_for(operator).post(url, {"reason": "x" * 2001}, follow=True)
    html = response.content.decode()
    assert "Keep the reason to 2000 characters (it has 2001); nothing was muted." in html
    issue.refresh_from_db()
    assert issue.status != "muted"
    blank = client_for(operator).post(url, {"reason": ""}, follow=True).content.decode()
    assert "Say why this issue is muted, so others know." in blank


# --- the list -----------------------------------------------------------------------------------


def test_the_all_chip_counts_every_tenant_whatever_the_filter(client_for, viewer, make_tenant):
    make_tenant("healthy")
    make_tenant("no_license")
    html = client_for(viewer).get(reverse("tenants:list") + "?q=Nordlys").content.decode()
    assert "All <strong>2</strong>" in html
    assert "1 tenant." in html


def test_the_third_chip_row_has_a_heading(erp_settings, client_for, viewer, make_tenant):
    health.check_tenant(tenant=make_tenant("no_license"), trigger=CheckTrigger.MANUAL)
    html = client_for(viewer).get(reverse("tenants:list")).content.decode()
    assert "<h2>Open problems</h2>" in html and "<h2>Who must act</h2>" in html


def test_a_tenant_whose_problem_is_muted_says_so(erp_settings, client_for, operator, make_tenant):
    tenant = make_tenant("no_license")
    health.check_tenant(tenant=tenant, trigger=CheckTrigger.MANUAL)
    issue = tenant.issues.get()
    health.issue_mute(actor=operator, issue=issue, reason="Waiting for the licence")
    html = client_for(operator).get(reverse("tenants:list")).content.decode()
    assert "Muted problem" in html
    assert "Last check incomplete" not in html


def test_any_column_sorts_both_ways(client_for, viewer, make_tenant):
    make_tenant("healthy")
    make_tenant("no_license")
    client = client_for(viewer)
    up = client.get(reverse("tenants:list") + "?sort=tenant_id").context["page"].object_list
    down = client.get(reverse("tenants:list") + "?sort=-tenant_id").context["page"].object_list
    assert [t.pk for t in up] == [t.pk for t in reversed(list(down))]


# --- suspension stops checks -------------------------------------------------------------------


def test_a_suspended_tenant_is_not_offered_or_run_a_check(client_for, operator, make_tenant):
    tenant = make_tenant("healthy")
    services.tenant_suspend(actor=operator, tenant=tenant, reason="Unpaid")
    tenant.refresh_from_db()
    client = client_for(operator)
    html = client.get(reverse("tenants:detail", args=[tenant.pk])).content.decode()
    assert "Check now" not in html
    assert "is suspended, so it is not checked" in html
    client.post(reverse("tenants:check", args=[tenant.pk]))
    assert not CheckRun.objects.filter(tenant=tenant).exists()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="suspended"):
        health.check_start(tenant=tenant, trigger=CheckTrigger.MANUAL, actor=operator)


# --- the inbox and the links between pages ------------------------------------------------------


def test_the_inbox_shows_the_whole_remediation(erp_settings, client_for, viewer, make_tenant):
    tenant = make_tenant("no_license")
    health.check_tenant(tenant=tenant, trigger=CheckTrigger.MANUAL)
    remediation = tenant.issues.get().remediation
    assert len(remediation.split()) > 40
    html = client_for(viewer).get(reverse("tenants:issues")).content.decode()
    import html as html_lib

    assert html_lib.escape(remediation) in html
    assert '<details class="remediation">' in html


def test_the_tenant_and_usage_pages_link_to_each_other(client_for, viewer, make_tenant):
    tenant = make_tenant("healthy")
    company = MeteredCompany.objects.get(tenant_id=tenant.tenant_id)
    client = client_for(viewer)
    tenant_page = client.get(reverse("tenants:detail", args=[tenant.pk])).content.decode()
    assert f'href="{reverse("usage:company", args=[company.pk])}"' in tenant_page
    usage_page = client.get(reverse("usage:company", args=[company.pk])).content.decode()
    assert f'href="{reverse("tenants:detail", args=[tenant.pk])}"' in usage_page


# --- editing a tenant's client and customer ---------------------------------------------------


def test_moving_a_tenant_to_another_client_is_audited_and_forgets_its_tokens(
    erp_settings,
    client_for,
    operator,
    make_tenant,
    demo_clients,
    django_capture_on_commit_callbacks,
):
    tenant = make_tenant("healthy")
    with health_token(tenant) as keys:
        other = Customer.objects.create(name="Another Customer AS")
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(operator).post(
                reverse("tenants:edit", args=[tenant.pk]),
                {
                    "name": tenant.name,
                    "api_client": demo_clients["test"].pk,
                    "customer": other.pk,
                    "notes": "",
                },
            )
        assert response.status_code == 302
        assert all(get_token_store().get(key) is None for key in keys)
    tenant.refresh_from_db()
    assert tenant.api_client == demo_clients["test"] and tenant.customer == other
    event = AuditEvent.objects.get(action="tenant.updated")
    assert set(event.details["changed"]) == {"api_client", "customer"}
    assert event.details["api_client"]["to"] == demo_clients["test"].name
    metered = MeteredCompany.objects.filter(tenant_id=tenant.tenant_id)
    assert metered.get(client_id="isv_demo_test").active
    assert not metered.get(client_id="isv_demo_prod").active


class health_token:
    """A real token of the tenant in the shared store for the duration; yields its keys."""

    def __init__(self, tenant):
        self.tenant = tenant

    def __enter__(self):
        from tenants.erp import erp_for

        with erp_for(self.tenant) as erp:
            erp.token(fresh=True)
        keys = token_keys(self.tenant)
        assert get_token_store().get(keys[0]) is not None
        return keys

    def __exit__(self, *exc):
        return False


def test_a_viewer_cannot_edit_a_tenant_or_a_customer(client_for, viewer, make_tenant):
    tenant = make_tenant("healthy")
    client = client_for(viewer)
    assert client.get(reverse("tenants:edit", args=[tenant.pk])).status_code == 403
    customer = tenant.customer
    url = reverse("tenants:customer_edit", args=[customer.pk])
    assert client.post(url, {"name": "Renamed"}).status_code == 403
    customer.refresh_from_db()
    assert customer.name != "Renamed"
    page = client.get(reverse("tenants:customer", args=[customer.pk])).content.decode()
    assert tenant.name in page and "Edit" not in page


def test_customers_are_listed_and_edited_with_an_audit_row(client_for, operator, make_tenant):
    tenant = make_tenant("healthy")
    customer = tenant.customer
    client = client_for(operator)
    listing = client.get(reverse("tenants:customers")).content.decode()
    assert customer.name in listing
    response = client.post(
        reverse("tenants:customer_edit", args=[customer.pk]),
        {"name": "Nordlys Gruppen ASA", "contact_email": "it@nordlys.example"},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "Nordlys Gruppen ASA"
    assert AuditEvent.objects.filter(action="customer.updated").exists()
    bad = client.post(
        reverse("tenants:customer_edit", args=[customer.pk]),
        {"name": "", "contact_email": "not-an-email"},
    )
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    customer.refresh_from_db()
    assert customer.name == "Nordlys Gruppen ASA"
    wrong = client.post(
        reverse("tenants:customer_edit", args=[customer.pk]),
        {"name": "Nordlys Gruppen ASA", "organisation_number": "-1"},
    )
    assert "as the company register shows it" in wrong.content.decode()
    customer.refresh_from_db()
    assert customer.organisation_number != "-1"


# --- Test credentials ------------------------------------------------------------------------


def test_test_credentials_asks_visma_connect_once(
    erp_settings, client_for, admin, make_tenant, demo_clients
):
    make_tenant("healthy")
    client = client_for(admin)
    url = reverse("tenants:client_test", args=[demo_clients["production"].pk])
    page = client.post(url, follow=True).content.decode()
    assert "Visma Connect issued a token" in page
    services.api_client_update(
        actor=admin, api_client=demo_clients["production"], client_secret="wrong-secret"
    )
    page = client.post(url, follow=True).content.decode()
    assert "refused the client id or secret" in page


def test_test_credentials_without_a_tenant_says_what_to_do(client_for, admin, demo_clients):
    url = reverse("tenants:client_test", args=[demo_clients["test"].pk])
    page = client_for(admin).post(url, follow=True).content.decode()
    assert "No tenant is registered on" in page


def test_only_admins_test_credentials(client_for, operator, demo_clients):
    url = reverse("tenants:client_test", args=[demo_clients["test"].pk])
    assert client_for(operator).post(url).status_code == 403


# --- tenant ids ---------------------------------------------------------------------------------


def test_a_tenant_id_without_dashes_is_accepted_and_normalised(client_for, operator, demo_clients):
    response = client_for(operator).post(
        reverse("tenants:new"),
        {
            "tenant_id": "5D1F3B0A8C2E4F6A9B712E4C6A8D0F11",
            "name": "",
            "api_client": demo_clients["production"].pk,
            "customer": "new",
            "new_customer_name": "Nordlys Gruppen AS",
        },
    )
    assert response.status_code == 302
    assert Tenant.objects.get().tenant_id == "5d1f3b0a-8c2e-4f6a-9b71-2e4c6a8d0f11"


# --- the demo ---------------------------------------------------------------------------------


def test_the_demo_leaves_two_tenants_for_a_newcomer_named_on_the_dashboard(
    client_for, viewer, settings
):
    import io

    settings.PORTAL_SANDBOX = True
    demo.seed(stdout=io.StringIO())
    left = demo.left_to_onboard()
    assert [spec["tenant_id"] for spec in left] == list(demo.LEFT_TO_ONBOARD)
    assert not Tenant.objects.filter(tenant_id__in=demo.LEFT_TO_ONBOARD).exists()
    assert Customer.objects.filter(name__in=[spec["customer_name"] for spec in left]).count() == 2
    html = client_for(viewer).get("/").content.decode()
    for spec in left:
        assert spec["name"] in html and spec["tenant_id"] in html
    from pathlib import Path

    readme = Path("README.md").read_text(encoding="utf-8")
    assert all(spec["tenant_id"] in readme and spec["name"] in readme for spec in left)


def test_the_list_costs_the_same_queries_for_more_tenants(client_for, viewer, demo_clients):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    customer = Customer.objects.create(name="Many AS")
    client = client_for(viewer)

    def add(count: int) -> None:
        start = Tenant.objects.count()
        for index in range(start, start + count):
            tenant = services.tenant_onboard(
                actor=None,
                tenant_id=f"00000000-0000-4000-8000-{index:012d}",
                name=f"Tenant {index}",
                api_client=demo_clients["production"],
                customer=customer,
            )
            make_issue(tenant, kind="no_license")
            if index % 2:
                health.issue_mute(actor=None, issue=tenant.issues.get(), reason="known")

    add(3)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("tenants:list"))
    add(12)
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("tenants:list")).content.decode()
    assert len(many) == len(few)
    assert "Muted problem" in html


# --- the walk as admin, operator and viewer: sort, empty states, readiness, the panel ---------


def _sort_options(html: str) -> list[str]:
    select = html.split('name="sort"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)"', select)


def _selected_sort(html: str) -> str:
    select = html.split('name="sort"', 1)[1].split("</select>", 1)[0]
    return re.search(r'<option value="([^"]*)"[^>]*selected', select).group(1)


def _header_sorts(html: str) -> list[str]:
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    return [
        dict(parse_qsl(htmllib.unescape(query)))["sort"]
        for query in re.findall(r'<a class="sort" href="\?([^"]*)"', head)
    ]


def test_the_sort_select_offers_every_order_a_header_makes(client_for, viewer, make_tenant):
    make_tenant("healthy")
    client = client_for(viewer)
    for column in TENANT_COLUMNS:
        for sort in (column.key, f"-{column.key}"):
            html = client.get(reverse("tenants:list"), {"sort": sort}).content.decode()
            options = _sort_options(html)
            assert sort in options, sort
            assert _selected_sort(html) == sort, "the select shows the order in use"
            for made in _header_sorts(html):
                assert made in options, (sort, made)
    assert _sort_options(html) == list(SORT_ORDERS), "one home: the select lists SORT_ORDERS"


def test_the_header_links_and_the_chips_keep_the_choices(client_for, viewer, make_tenant):
    make_tenant("healthy")
    html = (
        client_for(viewer)
        .get(reverse("tenants:list"), {"q": "Nordlys", "status": "onboarding", "sort": "-name"})
        .content.decode()
    )
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    for query in re.findall(r'<a class="sort" href="\?([^"]*)"', head):
        kept = dict(parse_qsl(htmllib.unescape(query)))
        assert kept["q"] == "Nordlys" and kept["status"] == "onboarding", kept
    chips = re.findall(r'class="count-chip" href="([^"]*)"', html)
    assert chips and all("sort=-name" in htmllib.unescape(chip) for chip in chips), chips


def test_an_unknown_sort_keeps_the_filters(client_for, viewer, make_tenant):
    make_tenant("healthy")
    response = client_for(viewer).get(reverse("tenants:list"), {"q": "zzz", "sort": "evil"})
    assert response.context["filters"].q == "zzz"
    assert response.context["filters"].sort == "name"


def test_no_match_under_filters_offers_to_clear_them(client_for, operator, make_tenant):
    make_tenant("healthy")
    html = (
        client_for(operator)
        .get(reverse("tenants:list"), {"q": "no such company", "sort": "-name"})
        .content.decode()
    )
    empty = html.split('data-testid="no-tenants"', 1)[1].split("</td>", 1)[0]
    assert "No tenant matches these filters." in empty
    assert (
        f'href="{reverse("tenants:list")}?sort=-name" data-testid="clear-filters">Clear filters</a>'
        in empty
    )
    assert "to see every tenant." in empty
    assert "Add one" not in empty


@pytest.mark.parametrize(("role", "offers_add"), [("operator", True), ("viewer", False)])
def test_an_empty_portal_offers_adding_only_to_who_may(
    client_for, operator, viewer, role, offers_add
):
    user = {"operator": operator, "viewer": viewer}[role]
    html = client_for(user).get(reverse("tenants:list")).content.decode()
    empty = html.split('data-testid="no-tenants"', 1)[1].split("</td>", 1)[0]
    assert "No tenants yet." in empty and "Clear filters" not in empty
    assert ("Add one" in empty) is offers_add
    assert ("An operator or admin adds them." in empty) is not offers_add


def _operations_nav(html: str) -> str:
    return html.split('aria-label="Operations on this tenant"', 1)[1].split("</nav>", 1)[0]


def test_an_onboarding_tenant_offers_no_operation_that_cannot_work(
    client_for, operator, make_tenant
):
    tenant = make_tenant("healthy")
    assert tenant.status == "onboarding"
    html = client_for(operator).get(reverse("tenants:detail", args=[tenant.pk])).content.decode()
    nav = _operations_nav(html)
    assert reverse("operations:tenant_invoices", args=[tenant.pk]) not in nav
    assert reverse("operations:tenant_payments", args=[tenant.pk]) not in nav
    assert 'aria-disabled="true">Supplier invoices<' in nav
    assert reverse("operations:order_new", args=[tenant.pk]) not in html
    closed = html.split('id="operations-closed"', 1)[1].split("</div>", 1)[0]
    assert "are not available for this tenant now." in closed
    assert readiness(tenant, Capability.FINANCIALS).reason in closed


def test_an_active_tenant_offers_its_operations(client_for, operator, make_tenant):
    tenant = make_tenant("healthy")
    tenant.status = "active"
    tenant.save(update_fields=["status"])
    html = client_for(operator).get(reverse("tenants:detail", args=[tenant.pk])).content.decode()
    nav = _operations_nav(html)
    assert reverse("operations:tenant_invoices", args=[tenant.pk]) in nav
    assert reverse("operations:tenant_payments", args=[tenant.pk]) in nav
    assert reverse("operations:order_new", args=[tenant.pk]) in html
    assert 'id="operations-closed"' not in html


def test_a_blocking_problem_closes_only_what_it_stops(client_for, operator, make_tenant):
    tenant = make_tenant("healthy")
    tenant.status = "active"
    tenant.save(update_fields=["status"])
    make_issue(tenant, kind="salesorder_scope_missing", owner="isv")
    html = client_for(operator).get(reverse("tenants:detail", args=[tenant.pk])).content.decode()
    assert reverse("operations:tenant_invoices", args=[tenant.pk]) in _operations_nav(html)
    assert reverse("operations:order_new", args=[tenant.pk]) not in html
    closed = html.split('id="operations-closed"', 1)[1].split("</div>", 1)[0]
    assert "Sales orders are not available" in closed


def _checked_stat(html: str) -> str:
    stat = html.split('data-testid="tenants-checked">', 1)[1].split("</a>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", stat).split())


def test_the_home_panel_counts_only_tenants_a_check_reached(client_for, viewer, make_tenant):
    first = make_tenant("healthy")
    make_tenant("no_license")
    client = client_for(viewer)
    assert _checked_stat(client.get("/").content.decode()) == (
        "None checked yet, of 2 onboarding or active"
    )
    Tenant.objects.filter(pk=first.pk).update(last_checked_at=timezone.now())
    assert _checked_stat(client.get("/").content.decode()) == "1 checked, of 2 onboarding or active"
