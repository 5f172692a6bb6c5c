"""What a tenant's scenario and a token's scopes allow at the ERP, once the caller is known.

Financials (KB 12027 / 12002 articles): no licence is 400 IPPException 12027, a company context
problem 400 IPPException 12002. SalesOrders v3 needs ``visma.net.erp.salesorder:read`` / ``:write``
(SO-v3 security) and answers 403 otherwise.
"""

from __future__ import annotations

from erpsim import errors
from erpsim.call import FINANCIALS, Call
from erpsim.errors import ApiError
from erpsim.replies import json_reply
from erpsim.scenarios import Scenario

COMPANY_CONTEXT_MESSAGE = "Invalid parameter exception: ipp-company-id"


def check(call: Call) -> None:
    """Raise ApiError when the call may not proceed."""
    if call.api == FINANCIALS:
        _check_financials(call)
    else:
        _check_salesorders(call)


def _check_financials(call: Call) -> None:
    tenant = call.tenant
    assert tenant is not None
    if tenant.scenario == Scenario.NO_LICENSE:
        raise ApiError(
            errors.ipp_exception(
                400, "No license for this company.", call.request_id, errors.NO_LICENSE
            )
        )
    company_header = call.header("ipp-company-id")
    wrong_company = company_header is not None and company_header.strip() != str(tenant.company_id)
    if tenant.scenario == Scenario.COMPANY_CONTEXT or wrong_company:
        raise ApiError(
            errors.ipp_exception(
                400, COMPANY_CONTEXT_MESSAGE, call.request_id, errors.COMPANY_CONTEXT
            )
        )
    _require_financials_scope(call)


def _require_financials_scope(call: Call) -> None:
    assert call.claims is not None
    if call.method == "GET":
        wanted = ("vismanet_erp_service_api:read",)
    elif call.method == "DELETE":
        wanted = ("vismanet_erp_service_api:delete",)
    else:
        wanted = ("vismanet_erp_service_api:create", "vismanet_erp_service_api:update")
    if not any(scope in call.claims.scopes for scope in wanted):
        raise ApiError(
            json_reply(
                403,
                {"Message": f"The access token lacks the scope {' or '.join(wanted)}."},
                [("WWW-Authenticate", f'Bearer error="insufficient_scope", scope="{wanted[0]}"')],
            )
        )


def _check_salesorders(call: Call) -> None:
    tenant = call.tenant
    assert tenant is not None and call.claims is not None
    if tenant.scenario == Scenario.NO_LICENSE:
        raise ApiError(errors.problem(403, "No license for this company."))
    if tenant.scenario == Scenario.COMPANY_CONTEXT:
        raise ApiError(errors.problem(403, "The caller is not authorised for this company."))
    needed = (
        "visma.net.erp.salesorder:read"
        if call.method == "GET"
        else "visma.net.erp.salesorder:write"
    )
    # A tenant that never approved the SalesOrders scopes is refused even with an older token.
    if needed not in call.claims.scopes or tenant.scenario == Scenario.SALESORDER_SCOPE_MISSING:
        raise ApiError(errors.insufficient_scope(needed))
