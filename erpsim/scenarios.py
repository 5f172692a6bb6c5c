"""The tenant scenarios the sandbox imitates: one name each, used by the world, the gateway and the
control API (``POST /_sandbox/tenants/{id}/scenario``)."""

from __future__ import annotations

from erpsim.names import Names


class Scenario(Names):
    HEALTHY = "healthy"
    NOT_APPROVED = "not_approved"
    MISSING_API_USER_ROLE = "missing_api_user_role"
    CUSTOMER_TENANT = "customer_tenant"
    NO_LICENSE = "no_license"
    COMPANY_CONTEXT = "company_context"
    SALESORDER_SCOPE_MISSING = "salesorder_scope_missing"
    NEAR_LIMIT = "near_limit"
    SLOW = "slow"
    FLAKY = "flaky"
