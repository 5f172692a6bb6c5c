"""Visma Connect: the client_credentials token endpoint and the discovery document.

DOCS authentication / service-integrations: form-encoded ``grant_type``, ``client_id``,
``client_secret``, ``scope`` and ``tenant_id``; the answer carries ``expires_in`` 3600. Errors use
the RFC 6749 section 5.2 body (the exact Visma texts are not confirmed).
"""

from __future__ import annotations

import base64
import hmac
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from erpsim.call import Call
from erpsim.errors import ApiError, oauth_error
from erpsim.replies import Reply, json_reply
from erpsim.scenarios import Scenario
from erpsim.state import Client, Sandbox, Tenant
from erpsim.world import SALESORDER_SCOPES

if TYPE_CHECKING:
    from erpsim.app import SandboxApp

NOT_APPROVED = (
    "The tenant has not approved this application. A tenant administrator must approve it in the "
    "Visma App Store before the application can use tenant_id."
)
NO_API_USER_ROLE = (
    "The application user or subscription is not entitled to use the API. Ensure the license "
    "allows API access and the user has the necessary roles (API User)."
)


def discovery(call: Call, app: SandboxApp) -> Reply:
    sandbox = app.sandbox
    base = call.base_url
    return json_reply(
        200,
        {
            "issuer": base,
            "authorization_endpoint": f"{base}/connect/authorize",
            "token_endpoint": f"{base}/connect/token",
            "userinfo_endpoint": f"{base}/connect/userinfo",
            "end_session_endpoint": f"{base}/connect/endsession",
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "scopes_supported": sorted({s for c in sandbox.clients.values() for s in c.scopes}),
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["HS256"],
        },
    )


def token(call: Call, app: SandboxApp) -> Reply:
    sandbox = app.sandbox
    form = _form(call)
    if form.get("grant_type") != "client_credentials":
        raise ApiError(
            oauth_error(
                "unsupported_grant_type", "Only grant_type=client_credentials is supported."
            )
        )
    client = _authenticate_client(call, form, sandbox)
    call.client = client
    requested = form.get("scope", "").split() or sorted(client.scopes)
    unknown = [s for s in requested if s not in client.scopes]
    if unknown:
        raise ApiError(
            oauth_error(
                "invalid_scope", f"The client is not allowed the scope(s): {' '.join(unknown)}"
            )
        )
    tenant_id = form.get("tenant_id") or None
    granted = requested
    if tenant_id:
        tenant = _approved_tenant(sandbox, client, tenant_id)
        call.tenant = tenant
        if tenant is not None and tenant.scenario == Scenario.SALESORDER_SCOPE_MISSING:
            # The tenant approved the app before it asked for the SalesOrders scopes: they are left
            # out of the grant, and the response's "scope" says so (RFC 6749 section 5.1).
            granted = [s for s in requested if s not in SALESORDER_SCOPES]
            if not granted:
                raise ApiError(
                    oauth_error(
                        "invalid_scope",
                        "The tenant has not approved the requested scope(s): "
                        + " ".join(requested),
                    )
                )
    access_token, _claims = sandbox.tokens.issue(
        issuer=call.base_url,
        client_id=client.client_id,
        tenant_id=tenant_id,
        scopes=granted,
        lifetime=sandbox.options.token_lifetime,
    )
    return json_reply(
        200,
        {
            "access_token": access_token,
            "expires_in": sandbox.options.token_lifetime,
            "token_type": "Bearer",
            "scope": " ".join(granted),
        },
        [("Cache-Control", "no-store"), ("Pragma", "no-cache")],
    )


def _form(call: Call) -> dict[str, str]:
    if call.content_type != "application/x-www-form-urlencoded":
        raise ApiError(
            oauth_error(
                "invalid_request",
                "The token request must be sent as application/x-www-form-urlencoded.",
            )
        )
    try:
        parsed = parse_qs(
            call.body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(call.body)
        )
    except (UnicodeDecodeError, ValueError) as error:
        raise ApiError(
            oauth_error("invalid_request", "The form body could not be parsed.")
        ) from error
    repeated = sorted(name for name, values in parsed.items() if len(values) > 1)
    if repeated:
        raise ApiError(
            oauth_error(
                "invalid_request", f"Parameters must not be repeated: {', '.join(repeated)}"
            )
        )
    return {name: values[0] for name, values in parsed.items()}


def _authenticate_client(call: Call, form: dict[str, str], sandbox: Sandbox) -> Client:
    client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
    basic = call.header("authorization") or ""
    if basic.lower().startswith("basic "):
        try:
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError) as error:
            raise ApiError(oauth_error("invalid_client")) from error
    client = sandbox.clients.get(client_id)
    if client is None or not hmac.compare_digest(client.client_secret.encode(), secret.encode()):
        raise ApiError(oauth_error("invalid_client"))
    return client


def _approved_tenant(sandbox: Sandbox, client: Client, tenant_id: str) -> Tenant | None:
    """The company tenant, or None for a customer tenant id (accepted here, refused by the ERP)."""
    tenant = sandbox.tenant(tenant_id)
    if tenant is None:
        contract = sandbox.customer_contract_tenants(tenant_id)
        if any(t.approves(client.client_id) for t in contract):
            return None
        raise ApiError(
            oauth_error("invalid_tenant", NOT_APPROVED if contract else "Unknown tenant.")
        )
    if not tenant.approves(client.client_id):
        raise ApiError(oauth_error("invalid_tenant", NOT_APPROVED))
    if tenant.scenario == Scenario.MISSING_API_USER_ROLE:
        raise ApiError(oauth_error("invalid_tenant", NO_API_USER_ROLE))
    return tenant
