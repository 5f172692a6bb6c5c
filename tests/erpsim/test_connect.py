"""Visma Connect: the client_credentials token endpoint and discovery."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from erpsim.world import SALESORDER_SCOPES

from .helpers import HEALTHY, PROD_CLIENT, TEST_CLIENT, erp, tenant_for, token_response


def _claims(access_token: str) -> dict:
    payload = access_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@pytest.mark.smoke
def test_token_is_jwt_shaped_for_one_hour_and_bound_to_the_tenant(sandbox):
    response = token_response(sandbox)

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert len(body["access_token"].split(".")) == 3
    claims = _claims(body["access_token"])
    assert claims["tenant_id"] == HEALTHY["tenant_id"]
    assert claims["client_id"] == TEST_CLIENT["client_id"]
    assert claims["exp"] - claims["iat"] == 3600
    assert set(body["scope"].split()) == set(claims["scope"])


def test_without_scope_the_client_gets_every_scope_it_is_allowed(sandbox):
    response = token_response(sandbox, scope=None)

    assert set(response.json()["scope"].split()) == set(TEST_CLIENT["scopes"])


def test_client_secret_basic_is_accepted(sandbox):
    credentials = base64.b64encode(
        f"{PROD_CLIENT['client_id']}:{PROD_CLIENT['client_secret']}".encode()
    ).decode()
    response = httpx.post(
        f"{sandbox.url}/connect/token",
        data={"grant_type": "client_credentials", "tenant_id": HEALTHY["tenant_id"]},
        headers={"Authorization": f"Basic {credentials}"},
    )

    assert response.status_code == 200


def test_wrong_secret_is_invalid_client(sandbox):
    response = token_response(sandbox, secret="not-the-secret")

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_client"}


def test_unknown_client_is_invalid_client(sandbox):
    response = token_response(sandbox, client={**TEST_CLIENT, "client_id": "isv_nobody"})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"


def test_tenant_that_has_not_approved_the_app_is_invalid_tenant(sandbox):
    response = token_response(sandbox, tenant_id=tenant_for("not_approved")["tenant_id"])

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_tenant"
    assert "approve" in response.json()["error_description"]


def test_missing_api_user_role_is_invalid_tenant_with_its_own_description(sandbox):
    response = token_response(sandbox, tenant_id=tenant_for("missing_api_user_role")["tenant_id"])

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_tenant"
    assert "API User" in response.json()["error_description"]


def test_unknown_tenant_is_invalid_tenant(sandbox):
    response = token_response(sandbox, tenant_id="00000000-0000-4000-8000-000000000000")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_tenant"


def test_scope_the_client_was_not_given_is_invalid_scope(sandbox):
    sandbox.control(
        "POST",
        "/_sandbox/clients",
        {
            "client_id": "isv_narrow",
            "client_secret": "narrow-secret",
            "scopes": ["vismanet_erp_service_api:read"],
        },
    )
    sandbox.control(
        "POST",
        "/_sandbox/tenants",
        {
            "tenant_id": HEALTHY["tenant_id"],
            "company_id": HEALTHY["company_id"],
            "name": HEALTHY["name"],
            "client_ids": ["isv_demo_test", "isv_demo_prod", "isv_narrow"],
        },
    )
    response = token_response(
        sandbox,
        client={"client_id": "isv_narrow", "client_secret": "narrow-secret"},
        scope="vismanet_erp_service_api:read visma.net.erp.salesorder:write",
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_customer_tenant_id_gets_a_token(sandbox):
    response = token_response(sandbox, tenant_id=HEALTHY["customer_tenant_id"])

    assert response.status_code == 200


def test_tenant_without_salesorder_approval_gets_a_token_without_those_scopes(sandbox):
    response = token_response(
        sandbox, tenant_id=tenant_for("salesorder_scope_missing")["tenant_id"]
    )

    assert response.status_code == 200
    granted = set(response.json()["scope"].split())
    assert granted
    assert not granted & set(SALESORDER_SCOPES)


def test_asking_only_for_salesorder_scopes_there_is_invalid_scope(sandbox):
    response = token_response(
        sandbox,
        tenant_id=tenant_for("salesorder_scope_missing")["tenant_id"],
        scope=" ".join(SALESORDER_SCOPES),
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_other_grant_types_are_refused(sandbox):
    response = httpx.post(f"{sandbox.url}/connect/token", data={"grant_type": "password"})

    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_json_body_is_invalid_request(sandbox):
    response = httpx.post(
        f"{sandbox.url}/connect/token",
        json={"grant_type": "client_credentials", "client_id": TEST_CLIENT["client_id"]},
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_repeated_parameters_are_invalid_request(sandbox):
    response = httpx.post(
        f"{sandbox.url}/connect/token",
        content="grant_type=client_credentials&client_id=a&client_id=b",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_discovery_document_names_the_token_endpoint(sandbox):
    response = httpx.get(f"{sandbox.url}/.well-known/openid-configuration")

    assert response.status_code == 200
    assert response.json()["token_endpoint"] == f"{sandbox.url}/connect/token"


def test_a_token_for_the_test_client_reads_the_erp(sandbox):
    with erp(sandbox) as client:
        assert client.get("/resources/v1/context").status_code == 200
