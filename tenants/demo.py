"""The demo seeder: the sandbox's demo API clients, customers and tenants (``erpsim.world``).

Idempotent: a second run finds everything in place and creates nothing. The secrets are the
sandbox's published demo values, never real credentials.
"""

from __future__ import annotations

from django.db import transaction

from erpsim.world import DEMO_CLIENTS, DEMO_TENANTS

from . import services
from .models import ApiClient, Customer, Environment, Tenant

# Which demo client each scenario's tenant is registered on: most on production, a few on the
# test client so its 500-calls-an-hour limit shows.
_ON_TEST_CLIENT = {"not_approved", "near_limit", "salesorder_scope_missing"}

# Left for a newcomer to onboard in the first minute (their customers are seeded): one that
# passes every step, and one whose verification stops at 12027 and says who must act. The
# dashboard names them while they are unregistered; the README lists them.
LEFT_TO_ONBOARD = (
    "6e2a4c1b-9d3f-4a7b-8c82-3f5d7b9e1a22",  # Solberga Trävaror AB, healthy
    "915d7f4e-2a6c-4dae-9fb5-6c8a0e2b4d55",  # Järnviken Verkstad AB, no licence (12027)
)


def left_to_onboard() -> list[dict]:
    """The demo tenants left unregistered that are still unregistered, with the client to use."""
    registered = set(
        Tenant.objects.filter(tenant_id__in=LEFT_TO_ONBOARD).values_list("tenant_id", flat=True)
    )
    names = {spec["client_id"]: spec["name"] for spec in DEMO_CLIENTS}
    return [
        {**spec, "client_name": names[_client_id_for(spec)]}
        for spec in DEMO_TENANTS
        if spec["tenant_id"] in LEFT_TO_ONBOARD and spec["tenant_id"] not in registered
    ]


def _client_id_for(spec: dict) -> str:
    return "isv_demo_test" if spec["scenario"] in _ON_TEST_CLIENT else "isv_demo_prod"


def _client_for(spec: dict, clients: dict[str, ApiClient]) -> ApiClient:
    return clients[_client_id_for(spec)]


def demo_clients() -> tuple[dict[str, ApiClient], int]:
    """The sandbox's demo API clients by client id, registered where missing; and how many were
    new."""
    created = 0
    clients: dict[str, ApiClient] = {}
    for spec in DEMO_CLIENTS:
        api_client = ApiClient.objects.filter(client_id=spec["client_id"]).first()
        if api_client is None:
            api_client = services.api_client_create(
                actor=None,
                name=spec["name"],
                client_id=spec["client_id"],
                client_secret=spec["client_secret"],
                client_type=spec["type"],
                scopes=list(spec["scopes"]),
                environment=Environment.SANDBOX,
            )
            created += 1
        clients[api_client.client_id] = api_client
    return clients, created


@transaction.atomic
def seed(stdout=None) -> int:
    clients, created = demo_clients()
    for spec in DEMO_TENANTS:
        customer = Customer.objects.filter(name__iexact=spec["customer_name"]).first()
        if customer is None:
            # The customer_tenant scenario registers the contract's id as if it were a company's;
            # storing it on the customer would (rightly) refuse that tenant, so leave it out there.
            contract_id = (
                "" if spec["scenario"] == "customer_tenant" else spec["customer_tenant_id"]
            )
            customer = services.customer_create(
                actor=None, name=spec["customer_name"], customer_tenant_id=contract_id
            )
            created += 1
        if spec["tenant_id"] in LEFT_TO_ONBOARD:
            continue
        api_client = _client_for(spec, clients)
        if Tenant.objects.filter(api_client=api_client, tenant_id=spec["tenant_id"]).exists():
            continue
        services.tenant_onboard(
            actor=None,
            tenant_id=spec["tenant_id"],
            name=spec["name"],
            customer=customer,
            api_client=api_client,
            notes=f"Sandbox demo tenant (scenario: {spec['scenario'].replace('_', ' ')}).",
        )
        created += 1
    if stdout is not None:
        stdout.write(f"Tenants demo: {created} new object(s).")
    return created
