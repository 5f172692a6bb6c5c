"""Hosts, scopes and defaults of the real Visma services.

The three base URLs are separate settings because the real services live on three hosts; the sandbox
serves all three on one origin (see ``ErpClient.sandbox``).
"""

from __future__ import annotations

from enum import Enum

PRODUCTION_CONNECT_URL = "https://connect.visma.com"
PRODUCTION_ERP_URL = "https://api.finance.visma.net"
PRODUCTION_SALESORDER_URL = "https://salesorder.visma.net"

CONNECT_PATH = "/connect/token"
# The endpoint family of a Visma Connect token request in call records.
TOKEN_FAMILY = "token"  # noqa: S105 - a name in call records, not a secret

# Service (client_credentials) scopes of the Financials API, as Visma's own samples ask for them.
ERP_SCOPES: tuple[str, ...] = (
    "vismanet_erp_service_api:create",
    "vismanet_erp_service_api:delete",
    "vismanet_erp_service_api:read",
    "vismanet_erp_service_api:update",
)
# The SalesOrders v3 service has its own scopes; the token URL is the same.
SALESORDER_SCOPES: tuple[str, ...] = (
    "visma.net.erp.salesorder:read",
    "visma.net.erp.salesorder:write",
)

DEFAULT_TIMEOUT_SECONDS = 60.0
DEFAULT_CONNECT_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_RETRY_AFTER_CAP_SECONDS = 30.0
# How long a refusal of the credentials by Visma Connect (invalid_tenant, invalid_client,
# invalid_scope) is remembered, so a refused tenant does not ask again on every call.
DEFAULT_TOKEN_REFUSAL_SECONDS = 60.0
# Visma Connect tokens live 3600 s; renew this long before expiry so a call never races the end.
TOKEN_RENEW_MARGIN_SECONDS = 300.0


class Service(Enum):
    """Which Visma service a call goes to; each has its own base URL and token scopes."""

    ERP = "erp"
    SALESORDER = "salesorder"
