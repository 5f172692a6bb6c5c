"""``checks.classify`` on every ERP error class erpclient raises, without the sandbox: each one
lands on its catalogue kind (or, knowingly, on "unclassified")."""

from __future__ import annotations

import inspect

import pytest

import erpclient
from erpclient import ErpError
from tenants.catalogue import CATALOGUE, IssueKind
from tenants.checks import classify
from tenants.steps import Step

K = IssueKind

# Error class -> its kind in a Financials step and in the SalesOrders step.
EXPECTED: dict[type[ErpError], tuple[IssueKind, IssueKind]] = {
    erpclient.ErpError: (K.UNCLASSIFIED, K.UNCLASSIFIED),
    erpclient.ErpConnectionError: (K.ERP_UNAVAILABLE, K.ERP_UNAVAILABLE),
    erpclient.ErpTimeout: (K.ERP_UNAVAILABLE, K.ERP_UNAVAILABLE),
    erpclient.ServerError: (K.ERP_UNAVAILABLE, K.ERP_UNAVAILABLE),
    erpclient.ValidationFailed: (K.UNCLASSIFIED, K.UNCLASSIFIED),
    erpclient.Unauthorized: (K.CUSTOMER_TENANT_ID, K.CUSTOMER_TENANT_ID),
    erpclient.CustomerTenantSuspected: (K.CUSTOMER_TENANT_ID, K.CUSTOMER_TENANT_ID),
    erpclient.Forbidden: (K.UNCLASSIFIED, K.UNCLASSIFIED),
    erpclient.ScopeMissing: (K.FINANCIALS_SCOPE_MISSING, K.SALESORDER_SCOPE_MISSING),
    erpclient.NotFound: (K.UNCLASSIFIED, K.UNCLASSIFIED),
    erpclient.Gone: (K.UNCLASSIFIED, K.UNCLASSIFIED),
    erpclient.Conflict: (K.UNCLASSIFIED, K.UNCLASSIFIED),
    erpclient.PreconditionFailed: (K.UNCLASSIFIED, K.UNCLASSIFIED),
    erpclient.PreconditionRequired: (K.UNCLASSIFIED, K.UNCLASSIFIED),
    erpclient.RateLimited: (K.RATE_LIMITED, K.RATE_LIMITED),
    erpclient.LicenseMissing: (K.NO_LICENSE, K.NO_LICENSE),
    erpclient.CompanyContextError: (K.COMPANY_CONTEXT, K.COMPANY_CONTEXT),
    erpclient.TokenError: (K.UNCLASSIFIED, K.UNCLASSIFIED),
    erpclient.InvalidClient: (K.INVALID_CLIENT, K.INVALID_CLIENT),
    # Its text decides (see the cases below); a text naming neither cause lists both.
    erpclient.InvalidTenant: (K.INVALID_TENANT, K.INVALID_TENANT),
    erpclient.InvalidScope: (K.FINANCIALS_SCOPE_MISSING, K.SALESORDER_SCOPE_MISSING),
    # Budget errors never reach classify (a held step is deferred, not a problem); were one to,
    # it would be kept raw.
    erpclient.BudgetError: (K.UNCLASSIFIED, K.UNCLASSIFIED),
    erpclient.BudgetHeld: (K.UNCLASSIFIED, K.UNCLASSIFIED),
    erpclient.BudgetRefused: (K.UNCLASSIFIED, K.UNCLASSIFIED),
    erpclient.RepeatedRequestRefused: (K.UNCLASSIFIED, K.UNCLASSIFIED),
    erpclient.UntrustedLocation: (K.UNCLASSIFIED, K.UNCLASSIFIED),
    erpclient.BackgroundWaitTimeout: (K.UNCLASSIFIED, K.UNCLASSIFIED),
    erpclient.UnexpectedResponse: (K.UNCLASSIFIED, K.UNCLASSIFIED),
}


def _error(cls: type[ErpError], message: str = "the ERP said no") -> ErpError:
    if issubclass(cls, erpclient.BudgetError):
        return cls(message, reason="kept for staff", wait_seconds=30.0)
    return cls(message)


def test_every_error_class_erpclient_exports_has_an_expected_kind():
    exported = {
        value
        for value in vars(erpclient).values()
        if inspect.isclass(value) and issubclass(value, ErpError)
    }
    assert exported == set(EXPECTED), "a new ERP error class needs its catalogue kind here"


@pytest.mark.parametrize("cls", list(EXPECTED), ids=lambda cls: cls.__name__)
def test_each_error_class_lands_on_its_kind(cls):
    financials, salesorders = EXPECTED[cls]
    assert classify(_error(cls), Step.FINANCIALS) == financials
    assert classify(_error(cls), Step.SALESORDERS) == salesorders
    # Every kind it can land on has a catalogue entry (owner, remediation, message).
    assert financials in CATALOGUE and salesorders in CATALOGUE


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("The application user is not entitled to use the API", K.API_USER_ROLE_MISSING),
        ("User lacks the role API User", K.API_USER_ROLE_MISSING),
        ("The app is not approved for this tenant", K.APP_NOT_APPROVED),
        ("Tenant could not be resolved", K.INVALID_TENANT),
        ("", K.INVALID_TENANT),
    ],
)
def test_invalid_tenant_is_told_apart_by_its_text(message, kind):
    assert classify(erpclient.InvalidTenant(message), Step.TOKEN) == kind


def test_a_scope_refusal_names_the_family_of_the_step_it_happened_in():
    error = erpclient.InvalidScope("invalid_scope")
    assert classify(error, Step.TOKEN) == K.FINANCIALS_SCOPE_MISSING
    assert classify(error, Step.CONTEXT) == K.FINANCIALS_SCOPE_MISSING
    assert classify(error, Step.SALESORDERS) == K.SALESORDER_SCOPE_MISSING
