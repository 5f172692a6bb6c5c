"""Services without the ERP: metering kept in step with usage, lifecycle rules, the demo seeder."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError

from portal.models import AuditEvent
from tenants import demo, services
from tenants.models import ApiClient, Customer, HealthIssue, IssueStatus, Tenant, TenantStatus
from tests.tenants.helpers import make_issue
from usage.models import MeteredCompany

pytestmark = pytest.mark.django_db


def test_a_new_tenant_is_metered_with_its_clients_limit(make_tenant):
    tenant = make_tenant("healthy", "test")
    metered = MeteredCompany.objects.get(tenant_id=tenant.tenant_id)
    assert metered.client_id == "isv_demo_test"
    assert metered.client_type == "test"
    assert metered.hourly_limit == 500
    assert metered.tenant_pk == tenant.pk
    assert metered.active


def test_changing_the_client_type_or_limit_reaches_usage(make_tenant, demo_clients, admin):
    tenant = make_tenant("healthy", "test")
    services.api_client_update(actor=admin, api_client=tenant.api_client, client_type="production")
    assert MeteredCompany.objects.get(tenant_id=tenant.tenant_id).hourly_limit == 15_000
    services.api_client_update(
        actor=admin,
        api_client=ApiClient.objects.get(pk=tenant.api_client_id),
        hourly_limit_override=12_000,
    )
    assert MeteredCompany.objects.get(tenant_id=tenant.tenant_id).hourly_limit == 12_000
    event = AuditEvent.objects.filter(action="api_client.updated").latest("pk")
    assert event.details == {"changed": ["hourly_limit_override"]}


def test_offboarding_stops_metering_and_closes_issues(make_tenant, operator):
    tenant = make_tenant("healthy")
    make_issue(tenant)
    services.tenant_offboard(actor=operator, tenant=tenant, reason="Contract ended")
    tenant.refresh_from_db()
    assert tenant.status == TenantStatus.OFFBOARDED
    assert not MeteredCompany.objects.get(tenant_id=tenant.tenant_id).active
    assert HealthIssue.objects.get().status == IssueStatus.RESOLVED
    with pytest.raises(ValidationError):
        services.tenant_offboard(actor=operator, tenant=tenant, reason="again")
    with pytest.raises(ValidationError):
        services.tenant_reactivate(actor=operator, tenant=tenant)


def test_a_customer_tenant_id_cannot_register_a_tenant(demo_clients):
    customer = services.customer_create(
        actor=None,
        name="Bergström Bygg AB",
        customer_tenant_id="E4A8C6D5-7F9B-4ABC-8D34-5E6F7A8B9C05",
    )
    assert customer.customer_tenant_id == "e4a8c6d5-7f9b-4abc-8d34-5e6f7a8b9c05"
    with pytest.raises(ValidationError, match="customer tenant id of Bergström Bygg AB"):
        services.tenant_onboard(
            actor=None,
            tenant_id="{e4a8c6d5-7f9b-4abc-8d34-5e6f7a8b9c05}",
            name="Bergström",
            api_client=demo_clients["production"],
            customer=customer,
        )
    assert not Tenant.objects.exists()


def test_a_bad_new_customer_saves_no_tenant(demo_clients):
    with pytest.raises(ValidationError) as caught:
        services.tenant_onboard(
            actor=None,
            tenant_id="5d1f3b0a-8c2e-4f6a-9b71-2e4c6a8d0f11",
            name="Nordlys",
            api_client=demo_clients["production"],
            new_customer={"name": "Nordlys", "contact_email": "not-an-email"},
        )
    assert "new_customer_contact_email" in caught.value.message_dict
    assert not Tenant.objects.exists() and not Customer.objects.exists()


@pytest.mark.parametrize("number", ["923 609 016", "556036-0793", "1234567-8", "NL 12345678"])
def test_an_organisation_number_as_registers_print_it_is_kept(number):
    customer = services.customer_create(actor=None, name="Fjord AS", organisation_number=number)
    assert customer.organisation_number == number


def test_an_organisation_number_typed_with_extra_spaces_is_kept_with_single_ones():
    customer = services.customer_create(
        actor=None, name="Fjord AS", organisation_number="923  609\t016"
    )
    assert customer.organisation_number == "923 609 016"


@pytest.mark.parametrize("number", ["abc!!", "-1", "12", "923--609", "<b>923609016</b>"])
def test_a_wrong_organisation_number_is_refused_in_words_and_saves_nothing(number):
    with pytest.raises(ValidationError) as caught:
        services.customer_create(actor=None, name="Fjord AS", organisation_number=number)
    assert "as the company register shows it" in caught.value.message_dict["organisation_number"][0]
    assert not Customer.objects.exists()


def test_an_api_client_needs_a_unique_id_and_a_secret(demo_clients):
    with pytest.raises(ValidationError) as caught:
        services.api_client_create(
            actor=None, name="Again", client_id="isv_demo_test", client_secret="x"
        )
    assert "already registered" in caught.value.message_dict["client_id"][0]
    with pytest.raises(ValidationError):
        services.api_client_create(
            actor=None, name="No secret", client_id="isv_new", client_secret=""
        )
    assert ApiClient.objects.count() == 2


def test_the_demo_seeder_is_idempotent():
    first = demo.seed(stdout=io.StringIO())
    # clients, customers, tenants of erpsim.world less the two left for a newcomer to onboard
    assert first == 2 + 11 + 9
    assert demo.seed(stdout=io.StringIO()) == 0
    assert Tenant.objects.count() == 9
    on_test = set(
        Tenant.objects.filter(api_client__client_type="test").values_list("name", flat=True)
    )
    assert "Viken Kaffebrenneri AS" in on_test  # near_limit shows the 500-call test limit
