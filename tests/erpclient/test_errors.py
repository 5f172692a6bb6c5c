"""Each error body and status becomes the right error class, with what the ERP said."""

from __future__ import annotations

import httpx
import pytest

import erpclient
from erpclient import errors

from .fakes import FakeErp, error_json, make_client

IPP_12027 = {
    "ExceptionType": "IPPException",
    "ExceptionMessage": "No license for this company.",
    "ExceptionFaultCode": "12027",
    "ExceptionMessageID": "12027_6e2a06a8-76d8-4e9a-bce8-a5818d60a388",
    "ExceptionDetails": "",
}
IPP_12002 = {
    "ExceptionType": "IPPException",
    "ExceptionMessage": "",
    "ExceptionFaultCode": "12002",
    "ExceptionMessageID": "12002_12002_0f5c1a7e-0000-4000-8000-000000000000",
    "ExceptionDetails": "",
}
IPP_VISMA_ID = {
    "ExceptionType": "IPPException",
    "ExceptionMessage": (
        "VismaId: d26ecd9e-1b5e-4c8e-9b0f-3d2c4d6f7a8b. Error inserting the supplier. "
        "Value cannot be null."
    ),
    "ExceptionFaultCode": "10001",
    "ExceptionMessageID": "10001_abc",
}
V3_VALIDATION = {
    "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
    "title": "One or more validation errors occurred.",
    "status": 400,
    "errors": {
        "customer.id": ["Customer 99999 was not found."],
        "orderLines[2].inventoryId": ["Inventory item NOPE was not found."],
        "$.OrderLines[0].Quantity": ["The quantity must be positive."],
    },
    "details": [
        {
            "code": "1804-InventoryIdNotFound",
            "message": "Inventory item NOPE was not found.",
            "parameters": {"property": "orderLines[2].inventoryId"},
        },
        {
            "code": "1400-CustomerLookupException",
            "message": "Customer lookup failed",
            "parameters": {"property": "customer.id"},
        },
        {"code": "0003-InvalidValue", "message": "Invalid value", "parameters": None},
    ],
}


def _raise_for(status: int, body, headers: dict | None = None, path: str = "/v1/supplierInvoice/1"):
    fake = FakeErp().on(path, error_json(status, body, **(headers or {})))
    client = make_client(fake, max_retries=0)
    with pytest.raises(errors.ErpError) as caught:
        client.supplier_invoices.get("1")
    return caught.value


@pytest.mark.parametrize(
    ("status", "body", "expected", "fault", "message"),
    [
        (401, IPP_12027, errors.LicenseMissing, "12027", "No license for this company."),
        (403, IPP_12027, errors.LicenseMissing, "12027", "No license for this company."),
        (400, IPP_12002, errors.CompanyContextError, "12002", "not authorised"),
        (400, IPP_VISMA_ID, errors.ValidationFailed, "10001", "Error inserting the supplier"),
        (
            401,
            {"Message": "Authorization has been denied."},
            errors.CustomerTenantSuspected,
            None,
            "Authorization has been denied.",
        ),
        (403, {"Message": "Forbidden for this user"}, errors.Forbidden, None, "Forbidden"),
        (
            403,
            {"Message": "The token does not have the required scope"},
            errors.ScopeMissing,
            None,
            "scope",
        ),
        (404, {"title": "Not Found", "status": 404}, errors.NotFound, None, "Not Found"),
        (
            409,
            {"title": "Conflict", "detail": "Order 42 exists"},
            errors.Conflict,
            None,
            "Order 42 exists",
        ),
        (410, {"Message": "State removed after 24 hours"}, errors.Gone, None, "24 hours"),
        (
            412,
            {
                "ExceptionType": "IPPException",
                "ExceptionMessage": "Supplier invoice version does not match with If-Match header",
            },
            errors.PreconditionFailed,
            None,
            "does not match",
        ),
        (
            428,
            {"title": "If-Match header was not supplied"},
            errors.PreconditionRequired,
            None,
            "If-Match",
        ),
        (
            429,
            {"statusCode": 429, "message": "Rate limit is exceeded. Try again in 99 seconds."},
            errors.RateLimited,
            None,
            "Rate limit is exceeded",
        ),
        (500, "Internal error", errors.ServerError, None, "Internal error"),
        (503, None, errors.ServerError, None, "Service Unavailable"),
        (418, {"Message": "teapot"}, errors.UnexpectedResponse, None, "teapot"),
    ],
    ids=[
        "12027-on-401",
        "12027-on-403",
        "12002",
        "ipp-400-vismaid",
        "401-after-good-token",
        "403",
        "403-scope",
        "404",
        "409",
        "410",
        "412",
        "428",
        "429-gateway-body",
        "500-text",
        "503-empty",
        "unknown-status",
    ],
)
def test_status_and_body_choose_the_error(status, body, expected, fault, message):
    error = _raise_for(status, body, {"Retry-After": "99"} if status == 429 else None)
    assert type(error) is expected
    assert error.status == status
    assert error.fault_code == fault
    assert message in error.message
    assert error.method == "GET" and error.path == "/v1/supplierInvoice/1"
    assert error.ratelimit is not None and error.ratelimit.remaining == 321
    assert str(status) in str(error) and expected.__name__ in str(error)


def test_ipp_exception_fields_are_kept():
    error = _raise_for(400, IPP_12027)
    assert isinstance(error, errors.LicenseMissing)
    assert error.message_id == "12027_6e2a06a8-76d8-4e9a-bce8-a5818d60a388"
    assert error.body == IPP_12027
    assert "fault 12027" in str(error)


def test_visma_id_prefix_is_split_from_the_message():
    error = _raise_for(400, IPP_VISMA_ID)
    assert error.visma_id == "d26ecd9e-1b5e-4c8e-9b0f-3d2c4d6f7a8b"
    assert error.message.startswith("Error inserting the supplier.")


def test_v3_validation_maps_fields_and_lines():
    error = _raise_for(400, V3_VALIDATION)
    assert isinstance(error, errors.ValidationFailed)
    assert error.field_errors == {
        "customer.id": ["Customer 99999 was not found.", "Customer lookup failed"]
    }
    assert error.line_errors == {
        2: {"inventoryId": ["Inventory item NOPE was not found."]},
        0: {"quantity": ["The quantity must be positive."]},
    }
    assert (
        "1804-InventoryIdNotFound",
        "Inventory item NOPE was not found.",
        "orderLines[2].inventoryId",
    ) in error.error_codes
    assert ("0003-InvalidValue", "Invalid value", None) in error.error_codes
    assert error.message == "One or more validation errors occurred."


def test_rate_limited_carries_retry_after_and_figures():
    error = _raise_for(
        429,
        {"Message": "Same request made too many times"},
        {
            "Retry-After": "120",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Policy": "SameRequestLimit",
        },
    )
    assert isinstance(error, errors.RateLimited)
    assert error.retry_after == 120.0
    assert (error.limit, error.remaining, error.reset_seconds, error.policy) == (
        500,
        0,
        1200.0,
        "SameRequestLimit",
    )
    assert "retry after 120 s" in str(error)


def test_request_id_header_is_kept():
    error = _raise_for(500, {"Message": "boom"}, {"X-Request-Id": "req-123"})
    assert error.request_id == "req-123"


def test_customer_tenant_error_explains_the_likely_cause():
    error = _raise_for(401, None)
    assert isinstance(error, errors.CustomerTenantSuspected)
    assert isinstance(error, errors.Unauthorized)
    assert "customer tenant id" in str(error)


def test_scope_missing_when_the_token_lacks_the_needed_scope():
    fake = FakeErp().on("/api/v3/SalesOrders/SO/1", error_json(403, None))
    fake.token_reply = httpx.Response(
        200,
        json={"access_token": "t", "expires_in": 3600, "scope": "vismanet_erp_service_api:read"},
    )
    client = make_client(fake)
    with pytest.raises(errors.ScopeMissing) as caught:
        client.sales_orders.get("SO", "1")
    assert "visma.net.erp.salesorder:read" in caught.value.missing_scopes


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (400, {"error": "invalid_client"}, errors.InvalidClient),
        (401, {"error": "invalid_client", "error_description": "bad secret"}, errors.InvalidClient),
        (
            400,
            {"error": "invalid_tenant", "error_description": "not approved"},
            errors.InvalidTenant,
        ),
        (400, {"error": "invalid_scope"}, errors.InvalidScope),
        (400, {"error": "unsupported_grant_type"}, errors.TokenError),
        (400, "not json at all", errors.TokenError),
    ],
    ids=[
        "invalid_client",
        "invalid_client-401",
        "invalid_tenant",
        "invalid_scope",
        "other",
        "text",
    ],
)
def test_token_errors(status, body, expected):
    fake = FakeErp().on("/resources/v1/context", error_json(200, []))
    fake.token_reply = error_json(status, body)
    client = make_client(fake)
    with pytest.raises(errors.TokenError) as caught:
        client.context.list()
    error = caught.value
    assert type(error) is expected
    assert error.status == status and error.path == "/connect/token"
    assert fake.requests == []  # no ERP call without a token
    assert len(fake.token_requests) == 1  # token errors are never retried
    assert "very-secret-value" not in str(error) and "very-secret-value" not in repr(error)


def test_every_public_error_is_an_erp_error():
    names = [name for name in erpclient.__all__ if isinstance(getattr(erpclient, name), type)]
    classes = [getattr(erpclient, name) for name in names]
    error_classes = [cls for cls in classes if issubclass(cls, Exception)]
    assert len(error_classes) >= 25
    assert all(issubclass(cls, errors.ErpError) for cls in error_classes)
    kinds = [cls.kind for cls in error_classes]
    assert len(kinds) == len(set(kinds)), "each error class names its own kind"
