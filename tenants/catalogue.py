"""The catalogue of tenant problems: for each kind, who must act, what to do, and what to tell
the customer.

Wording follows the Visma KB articles (seed) and the facts file: invalid_client and invalid_tenant
from Visma Connect, 401 for a customer tenant id (DOCS how-tos/fix401error), 12027 with its three
causes in the KB's order, 12002 company context, the SalesOrders v3 scopes, the hourly limits of
test and production clients, and outages. Anything else is "unclassified" and keeps its raw body.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

from django.db import models

from errorguide.owners import Owner as GuideOwner
from usage.rules import ThrottlingKind

from .steps import Step


class Owner(models.TextChoices):
    # Who must act: the error guide's list (errorguide.owners), as choices for the issue model.
    ISV = GuideOwner.ISV.value, GuideOwner.ISV.label
    CUSTOMER_ADMIN = GuideOwner.CUSTOMER_ADMIN.value, GuideOwner.CUSTOMER_ADMIN.label
    CUSTOMER_INTEGRATION_ADMIN = (
        GuideOwner.CUSTOMER_INTEGRATION_ADMIN.value,
        GuideOwner.CUSTOMER_INTEGRATION_ADMIN.label,
    )
    VISMA = GuideOwner.VISMA.value, GuideOwner.VISMA.label


class IssueKind(models.TextChoices):
    INVALID_CLIENT = "invalid_client", "Client id or secret refused"
    APP_NOT_APPROVED = "app_not_approved", "App not approved for the company"
    API_USER_ROLE_MISSING = "api_user_role_missing", "API User role missing"
    INVALID_TENANT = "invalid_tenant", "Tenant refused (invalid_tenant)"
    CUSTOMER_TENANT_ID = "customer_tenant_id", "Customer tenant id used"
    NO_LICENSE = "no_license", "No license for this company (12027)"
    COMPANY_CONTEXT = "company_context", "Company context (12002)"
    FINANCIALS_SCOPE_MISSING = "financials_scope_missing", "Financials scopes missing"
    SALESORDER_SCOPE_MISSING = "salesorder_scope_missing", "SalesOrders scopes missing"
    # usage's alert rules, each opening the issue of the same name.
    NEAR_LIMIT = ThrottlingKind.NEAR_LIMIT.value, "Near the hourly limit"
    RATE_LIMITED = ThrottlingKind.RATE_LIMITED.value, "Throttled (429)"
    TEST_CLIENT_HEAVY = (
        ThrottlingKind.TEST_CLIENT_HEAVY.value,
        "Test client carrying production traffic",
    )
    ERP_UNAVAILABLE = "erp_unavailable", "ERP unreachable or failing"
    # ERP_UNAVAILABLE while status.visma.com confirms an incident on the ERP API or Visma Connect.
    ERP_OUTAGE = "erp_outage", "ERP outage (Visma)"
    UNCLASSIFIED = "unclassified", "Unclassified error"


# The issues usage's throttling alerts open or refresh.
THROTTLING_KINDS = frozenset(IssueKind(kind.value) for kind in ThrottlingKind)

# What a check must show to prove a problem of this kind is gone: a step passing; ANY_STEP: some
# step of the check got a proper answer from the ERP and none hit this problem; EVERY_STEP: every
# step passed.
ANY_STEP = "any"
EVERY_STEP = "all"
CLEARED_BY: dict[IssueKind, str] = {
    IssueKind.INVALID_CLIENT: Step.TOKEN,
    IssueKind.APP_NOT_APPROVED: Step.TOKEN,
    IssueKind.API_USER_ROLE_MISSING: Step.TOKEN,
    IssueKind.INVALID_TENANT: Step.TOKEN,
    IssueKind.CUSTOMER_TENANT_ID: Step.CONTEXT,
    IssueKind.NO_LICENSE: Step.FINANCIALS,
    IssueKind.COMPANY_CONTEXT: Step.FINANCIALS,
    IssueKind.FINANCIALS_SCOPE_MISSING: Step.FINANCIALS,
    IssueKind.SALESORDER_SCOPE_MISSING: Step.SALESORDERS,
    IssueKind.NEAR_LIMIT: Step.RATELIMIT,
    IssueKind.TEST_CLIENT_HEAVY: Step.RATELIMIT,
    IssueKind.RATE_LIMITED: ANY_STEP,
    IssueKind.ERP_UNAVAILABLE: ANY_STEP,
    IssueKind.ERP_OUTAGE: ANY_STEP,
    IssueKind.UNCLASSIFIED: EVERY_STEP,
}

_ON_OUR_SIDE = (
    "Hello,\n\n"
    "We found a problem on our side in the connection between {isv} and Visma.net ERP for "
    "{company}. We are fixing it; there is nothing you need to do. We will tell you when it works "
    "again.\n\n"
    "Kind regards,\n{isv}"
)


@dataclass(frozen=True)
class Problem:
    kind: IssueKind
    owner: Owner
    title: str
    remediation: str
    customer_message: str


CATALOGUE: dict[IssueKind, Problem] = {
    problem.kind: problem
    for problem in (
        Problem(
            IssueKind.INVALID_CLIENT,
            Owner.ISV,
            "Visma Connect refuses the client id or secret (invalid_client)",
            "Visma Connect answered invalid_client for the API client “{client_name}” "
            "({client_id}): the client id is unknown or the secret is wrong. Open the client in "
            "the Visma Developer Portal (My Applications); if its secret was regenerated there, "
            "an admin enters the new one under API clients → {client_name}. Every tenant on this "
            "client is affected.",
            _ON_OUR_SIDE,
        ),
        Problem(
            IssueKind.APP_NOT_APPROVED,
            Owner.CUSTOMER_INTEGRATION_ADMIN,
            "The app is not approved for this company (invalid_tenant)",
            "Visma Connect answered invalid_tenant: the company has not approved the app "
            "(client {client_id}) in the Visma App Store. Ask the customer's integration "
            "administrator to approve it for {company}, with the company's tenant id "
            "{tenant_id}. Then check again.",
            "Hello,\n\n"
            "To connect {isv} with Visma.net ERP for {company}, a user with the integration "
            "administrator role has to approve our app for this company in the Visma App Store "
            "(company tenant id {tenant_id}). Until then we cannot reach the company's data.\n\n"
            "Could you approve it and reply to this message? We will then confirm that the "
            "connection works.\n\n"
            "Kind regards,\n{isv}",
        ),
        Problem(
            IssueKind.API_USER_ROLE_MISSING,
            Owner.CUSTOMER_ADMIN,
            "The integration user lacks the API User role (invalid_tenant)",
            "Visma Connect answered invalid_tenant: the application user is not entitled to use "
            "the API. The customer's administrator must give the integration user the role "
            "“API User” for {company} in Visma.net Admin. It can take 10 to 15 minutes to apply; "
            "then check again.",
            "Hello,\n\n"
            "Visma.net refuses our connection to {company} because the integration user does "
            "not have the role “API User”. Could your Visma.net administrator add the role "
            "“API User” for {company} in Visma.net Admin? It can take 10 to 15 minutes before it "
            "applies.\n\n"
            "Kind regards,\n{isv}",
        ),
        Problem(
            IssueKind.INVALID_TENANT,
            Owner.CUSTOMER_INTEGRATION_ADMIN,
            "Visma Connect refuses the tenant (invalid_tenant)",
            "Visma Connect answered invalid_tenant for {tenant_id}. Check in this order: "
            "1. the app is approved for {company} in the Visma App Store (customer's integration "
            "administrator); 2. the integration user has the role “API User” in Visma.net Admin "
            "(customer's administrator; 10 to 15 minutes to apply). Then check again.",
            "Hello,\n\n"
            "Visma.net refuses our connection to {company} (tenant id {tenant_id}). Could you "
            "check two things?\n"
            "1. Your integration administrator has approved {isv}'s app for {company} in the "
            "Visma App Store.\n"
            "2. Your Visma.net administrator has given the integration user the role "
            "“API User” for {company} in Visma.net Admin.\n\n"
            "Kind regards,\n{isv}",
        ),
        Problem(
            IssueKind.CUSTOMER_TENANT_ID,
            Owner.CUSTOMER_ADMIN,
            "A customer tenant id was given instead of the company tenant id (401)",
            "Visma Connect issued a token for {tenant_id}, but the ERP answers 401 Unauthorized. "
            "The documented cause: this is the customer's (contract) tenant id, not the "
            "company's. Ask the customer for the company tenant id (Visma.net Admin → Company → "
            "Edit → Configuration → Tenant id), register the tenant with it, and offboard this "
            "one.",
            "Hello,\n\n"
            "The tenant id we received for {company} ({tenant_id}) appears to be your customer "
            "(contract) tenant id. Visma.net ERP needs the tenant id of the company itself.\n\n"
            "Could your administrator look it up in Visma.net Admin → Company → Edit → "
            "Configuration → Tenant id, and send it to us?\n\n"
            "Kind regards,\n{isv}",
        ),
        Problem(
            IssueKind.NO_LICENSE,
            Owner.CUSTOMER_ADMIN,
            "No license for this company (12027)",
            "The ERP answers 12027 “No license for this company”. Check in this order: "
            "1. the integration user has the role “API User” for {company} (customer's "
            "administrator, Visma.net Admin); 2. the tenant id {tenant_id} is the company's, not "
            "the customer's (customer's integration administrator, Visma App Store); 3. the "
            "Visma.net Financials licence has not expired (Visma).",
            "Hello,\n\n"
            "Visma.net ERP answers “No license for this company” (12027) for {company}. Could "
            "you check:\n"
            "1. In Visma.net Admin, the integration user has the role “API User” for {company}.\n"
            "2. In the Visma App Store, the tenant id you gave us ({tenant_id}) is the company's "
            "tenant id and not the customer tenant id.\n"
            "If both are right, the Visma.net Financials licence may have expired; Visma can "
            "confirm.\n\n"
            "Kind regards,\n{isv}",
        ),
        Problem(
            IssueKind.COMPANY_CONTEXT,
            Owner.ISV,
            "The ERP has no company context (12002)",
            "The ERP answers 12002: no company is set for the request, or the user is not "
            "authorised for that company. This is on our side: compare the company the "
            "integration sends in ipp-company-id (the portal knows {company_id}) with the company "
            "the token gives access to, and run “Check now” to rediscover it.",
            _ON_OUR_SIDE,
        ),
        Problem(
            IssueKind.FINANCIALS_SCOPE_MISSING,
            Owner.ISV,
            "The Financials API scopes are missing",
            "Visma Connect or the ERP refuses the Financials scopes (vismanet_erp_service_api:*) "
            "for client {client_id}. Add them to the client in the Visma Developer Portal; the "
            "customer's integration administrator then approves the app again in the Visma App "
            "Store.",
            "Hello,\n\n"
            "We have updated {isv}'s app. For {company}, the app has to be approved again in "
            "the Visma App Store so it may use the new permissions. Could your integration "
            "administrator approve {isv} for {company} again?\n\n"
            "Kind regards,\n{isv}",
        ),
        Problem(
            IssueKind.SALESORDER_SCOPE_MISSING,
            Owner.ISV,
            "The SalesOrders scopes are missing",
            "The token for {company} lacks the SalesOrders scopes (visma.net.erp.salesorder:read "
            "and :write), so the SalesOrders v3 service refuses us. Add the scopes to client "
            "{client_id} in the Visma Developer Portal; then the customer's integration "
            "administrator approves the app again in the Visma App Store so they are granted.",
            "Hello,\n\n"
            "We have extended {isv}'s app with sales order features. For {company}, the app has "
            "to be approved again in the Visma App Store before it may use them. Could your "
            "integration administrator approve {isv} for {company} again?\n\n"
            "Kind regards,\n{isv}",
        ),
        Problem(
            IssueKind.NEAR_LIMIT,
            Owner.ISV,
            "Near the hourly call limit",
            "{budget} The last part of each hour is kept for staff actions, so background checks "
            "and syncs wait for the next window. Spread background jobs out or make fewer calls; "
            "if a test client carries real traffic, ask the partner service for a production "
            "client.",
            "Hello,\n\n"
            "{company} is using the Visma.net ERP API heavily this hour, so some background "
            "updates from {isv} may be delayed until the hourly limit resets. There is nothing "
            "you need to do.\n\n"
            "Kind regards,\n{isv}",
        ),
        Problem(
            IssueKind.RATE_LIMITED,
            Owner.ISV,
            "The ERP throttles the calls (429 Too Many Requests)",
            "The ERP answered 429 Too Many Requests for {company}{retry_after}. {budget} Calls "
            "wait for the window to reset; background work is rescheduled, never retried in a "
            "loop. Reduce the call volume, or move a test client's traffic to a production "
            "client.",
            "Hello,\n\n"
            "Visma.net ERP has limited the number of calls {isv} may make for {company} this "
            "hour, so some updates are delayed until the limit resets. There is nothing you need "
            "to do.\n\n"
            "Kind regards,\n{isv}",
        ),
        Problem(
            IssueKind.TEST_CLIENT_HEAVY,
            Owner.ISV,
            "A test client carries production traffic",
            "{client_name} is a test client (500 calls per company per hour) and {company} uses "
            "more than half of that on average. Request a production client (15,000 calls per "
            "hour) from the Visma partner service and move this tenant to it.",
            _ON_OUR_SIDE,
        ),
        Problem(
            IssueKind.ERP_UNAVAILABLE,
            Owner.VISMA,
            "The ERP is unreachable or failing",
            "The ERP did not answer or failed: {detail}. Neither we nor the customer can change "
            "this: see status.visma.com. The portal checks again on its own; if it lasts, report "
            "it to Visma ERP support with the request id.",
            "Hello,\n\n"
            "Visma.net ERP is not answering our requests for {company} at the moment, so updates "
            "from {isv} are delayed. Visma reports the service status on status.visma.com. We "
            "will catch up automatically when it is back.\n\n"
            "Kind regards,\n{isv}",
        ),
        Problem(
            IssueKind.ERP_OUTAGE,
            Owner.VISMA,
            "Visma reports an ERP outage",
            "status.visma.com reports {incident}{incident_status}, and the ERP failed for "
            "this tenant too: {detail}. Nobody here or at the customer can fix it; the sweep "
            "backs off until Visma resolves it, then checks the affected tenants again. Follow "
            "it at {incident_url}.",
            "Hello,\n\n"
            "Visma reports a disruption of Visma.net ERP, {incident}, so updates from {isv} "
            "for {company} are delayed. You can follow it on status.visma.com. We will catch up "
            "automatically when Visma has resolved it.\n\n"
            "Kind regards,\n{isv}",
        ),
        Problem(
            IssueKind.UNCLASSIFIED,
            Owner.ISV,
            "An error the portal does not know yet",
            "The ERP answered with an error the catalogue does not cover: {detail}. Its raw "
            "answer is kept below. Read it; if it recurs, add it to the catalogue.",
            _ON_OUR_SIDE,
        ),
    )
}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render(template: str, context: dict[str, Any]) -> str:
    """Fill a catalogue text; unknown placeholders become empty rather than raising."""
    values = _Blank({key: "" if value is None else str(value) for key, value in context.items()})
    return string.Formatter().vformat(template, (), values)
