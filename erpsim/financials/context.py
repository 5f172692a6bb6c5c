"""The Context endpoints (legacy Swagger 2.0 ``ContextInformation`` / ``CompanyDto``).

A Visma Connect service token maps to exactly one company, so the list has one element.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from erpsim.call import Call
from erpsim.financials.common import failure
from erpsim.replies import Reply, json_reply

if TYPE_CHECKING:
    from erpsim.app import SandboxApp


def companies(call: Call, app: SandboxApp) -> Reply:
    assert call.company is not None
    company = call.company
    return json_reply(200, [{"id": company.company_id, "name": company.name, "type": "Company"}])


def company_details(call: Call, app: SandboxApp) -> Reply:
    assert call.company is not None and call.tenant is not None
    company, tenant = call.company, call.tenant
    if call.params["companyId"] != str(company.company_id):
        raise failure(call, 403, "The token does not give access to that company.")
    return json_reply(
        200,
        {
            "companyName": company.name,
            "organizationNumber": f"9{company.company_id:08d}",
            "companyAddress1": "Storgata 1",
            "companyAddress2": "",
            "customerInfo": {
                "parentCustomerId": company.company_id // 10,
                "parentCustomerName": tenant.customer_name,
                "customerOrganizationNumber": f"8{company.company_id:08d}",
            },
            "distributorInfo": {"distributorId": 1001, "distributorName": "Visma Software AS"},
        },
    )
