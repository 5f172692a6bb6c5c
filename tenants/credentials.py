""" "Test credentials" on an API client: one fresh token request to Visma Connect, nothing else.

Visma Connect issues tokens per company (``tenant_id``), so the test asks for a token for one of
the client's tenants and reads the answer: ``invalid_client`` means the id or secret is wrong;
``invalid_tenant`` means the credentials passed and that one company refused (its own issue)."""

from __future__ import annotations

from dataclasses import dataclass

from erpclient import ErpError, InvalidClient, InvalidScope, InvalidTenant

from .erp import erp_for
from .models import CHECKED_STATUSES, ApiClient


@dataclass(frozen=True)
class CredentialsResult:
    ok: bool
    message: str


def api_client_test_credentials(*, api_client: ApiClient) -> CredentialsResult:
    tenants = api_client.tenants.select_related("api_client")
    tenant = (
        tenants.filter(status__in=CHECKED_STATUSES).order_by("pk").first()
        or tenants.order_by("pk").first()
    )
    if tenant is None:
        return CredentialsResult(
            False,
            f"No tenant is registered on {api_client.name} yet, and Visma Connect issues tokens "
            "per company. Add a tenant on this client, then test again.",
        )
    company = f"{tenant.display_name} ({tenant.tenant_id})"
    try:
        with erp_for(tenant) as erp:
            erp.token(fresh=True)
    except InvalidClient:
        return CredentialsResult(
            False,
            f"Visma Connect refused the client id or secret of {api_client.name} "
            "(invalid_client). Compare them with the Visma Developer Portal and enter the "
            "current secret here.",
        )
    except InvalidTenant:
        return CredentialsResult(
            True,
            f"Visma Connect accepted the client id and secret. It refused the company {company} "
            "(invalid_tenant): that tenant's page says who must act.",
        )
    except InvalidScope as error:
        return CredentialsResult(
            False,
            f"Visma Connect accepted the client but not the scopes it asked for: {error}. Add "
            "them to the client in the Visma Developer Portal.",
        )
    except ErpError as error:
        return CredentialsResult(
            False, f"Visma Connect could not be asked ({error}). Try again in a moment."
        )
    return CredentialsResult(
        True, f"Visma Connect issued a token to {api_client.name} for {company}."
    )
