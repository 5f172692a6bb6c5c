"""Every entry of the error guide's catalogue, matched from a real error the sandbox ERP sent over
HTTP and erpclient read: one recipe per entry, and a test that no entry lacks one.

Where the demo world produces the error from its own data (an unknown item, a taken order number,
a stale If-Match, another company's Background request...) that is the recipe; where it cannot
(most v3 codes, the Financials troubleshooting messages), the sandbox is armed to answer the next
request with that error in the real shape (``POST /_sandbox/faults/erp-error``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from erpclient import Background, LimitDecision, Operation, errors
from erpclient.config import Service
from errorguide import CATALOGUE, explain
from tests.erpclient.conftest import demo_tenant

HEALTHY = demo_tenant("healthy")["tenant_id"]
ORDER = {"type": "SO", "customer": {"id": "10000"}, "orderLines": [{"inventoryId": "STOCKITEM1"}]}
# v3 codes the demo world produces from the order itself (docs/sandbox.md, "Every 400 code").
REAL_V3_ORDERS: dict[str, dict[str, Any]] = {
    "1400-CustomerLookupException": {**ORDER, "customer": {"id": "NO-SUCH-CUSTOMER"}},
    "1704-InvalidOrderType": {**ORDER, "type": "ZZ"},
    "1804-InventoryIdNotFound": {**ORDER, "orderLines": [{"inventoryId": "NO-SUCH-ITEM"}]},
    "1902-SalesPersonNotFound": {**ORDER, "salesPersonId": "NOPE"},
    "1904-ProjectNotFound": {**ORDER, "projectId": "PROJ1"},
    "0002-InvalidLength": {**ORDER, "description": "x" * 300},
}


def _raised(call: Callable[[], Any]) -> errors.ErpError:
    with pytest.raises(errors.ErpError) as caught:
        call()
    return caught.value


def _arm(sandbox, error: str, *, method: str, path: str, **extra: str) -> None:
    sandbox.control(
        "POST",
        "/_sandbox/faults/erp-error",
        {"method": method, "path": path, "tenant_id": HEALTHY, "error": error, **extra},
    )


def _invoice(client):
    return next(iter(client.supplier_invoices.list(page_size=5, status="Balanced")))


def _financials_armed(error: str):
    def recipe(sandbox, erp):
        client = erp()
        invoice = _invoice(client)
        _arm(
            sandbox,
            error,
            method="PUT",
            path=f"/v1/supplierInvoice/{invoice.reference_number}",
            value="01",
        )
        return _raised(
            lambda: client.supplier_invoices.update(
                invoice.reference_number, {"description": {"value": "x"}}
            )
        )

    return recipe


def _v3(code: str):
    def recipe(sandbox, erp):
        client = erp()
        if code in REAL_V3_ORDERS:
            return _raised(lambda: client.sales_orders.create(REAL_V3_ORDERS[code]))
        prop = "status" if code == "0004-ValueNotAllowed" else "description"
        _arm(sandbox, f"v3:{code}", method="POST", path="/api/v3/SalesOrders", property=prop)
        return _raised(lambda: client.sales_orders.create(ORDER))

    return recipe


def _scenario_get(scenario: str):
    return lambda sandbox, erp: _raised(lambda: erp(scenario).context.get())


def _invalid_client(sandbox, erp):
    return _raised(lambda: erp(client_secret="wrong-secret").context.get())


def _scope_missing(sandbox, erp):
    return _raised(lambda: erp("salesorder_scope_missing").sales_orders.page())


def _manual_numbering(sandbox, erp):
    # QT numbers itself: a manual orderId on it is refused (0004-ValueNotAllowed on orderId).
    return _raised(lambda: erp().sales_orders.create({**ORDER, "type": "QT", "orderId": "QT-1"}))


def _order_number_taken(sandbox, erp):
    client = erp()
    order = {**ORDER, "orderId": "WEB-GUIDE-1"}
    client.sales_orders.create(order)
    return _raised(lambda: client.sales_orders.create(order))


def _stale_if_match(sandbox, erp):
    client = erp()
    invoice = _invoice(client)
    sandbox.control(
        "POST",
        f"/_sandbox/tenants/{HEALTHY}/supplier-invoices/{invoice.document_type}/"
        f"{invoice.reference_number}/touch",
    )
    return _raised(
        lambda: client.supplier_invoices.update(
            invoice.reference_number,
            {"description": {"value": "mine"}},
            document_type=invoice.document_type,
            if_match=invoice,
        )
    )


def _delete_without_if_match(sandbox, erp):
    client = erp()
    created = client.sales_orders.create(ORDER)
    path = f"/api/v3/SalesOrders/{created.type}/{created.order_id}"
    operation = Operation("DELETE", Service.SALESORDER, path, path, "salesorders", lambda r: None)
    return _raised(lambda: client.request(operation))


def _rate_limited(sandbox, erp):
    sandbox.control(
        "POST", "/_sandbox/usage", {"tenant_id": HEALTHY, "client_id": "isv_demo_test", "used": 500}
    )
    return _raised(lambda: erp(retry_after_cap=0).context.get())


def _repeated_request(sandbox, erp):
    client = erp()
    for _ in range(2):
        _raised(lambda: client.supplier_invoices.get("NO-SUCH-INVOICE"))
    return _raised(lambda: client.supplier_invoices.get("NO-SUCH-INVOICE"))


class _Refusing:
    def acquire(self, request):
        return LimitDecision.refuse("the company's staff budget is used up this hour")


def _budget_held(sandbox, erp):
    return _raised(lambda: erp(limiter=_Refusing()).context.get())


def _queued_release(client):
    invoice = _invoice(client)
    return client.supplier_invoices.release(invoice.reference_number, background=Background.none())


def _background_forbidden(sandbox, erp):
    accepted = _queued_release(erp())
    other = erp(client_id="isv_demo_prod")
    return _raised(lambda: other.background.state(accepted))


def _background_not_found(sandbox, erp):
    return _raised(lambda: erp().background.state("no-such-operation"))


def _background_content_missing(sandbox, erp):
    client = erp()
    accepted = _queued_release(client)
    return _raised(lambda: client.background.content(accepted))


def _background_content_gone(sandbox, erp, advance_sandbox_clock):
    client = erp()
    accepted = _queued_release(client)
    advance_sandbox_clock(5)
    assert client.background.state(accepted).done
    advance_sandbox_clock(25 * 3600)
    # A new client: the first one's token expired with the day that passed.
    return _raised(lambda: erp().background.content(accepted))


def _erp_unavailable(sandbox, erp):
    sandbox.control("POST", "/_sandbox/faults", {"tenant_id": HEALTHY, "error_rate": 1})
    return _raised(lambda: erp(max_retries=0).context.get())


def _not_found(sandbox, erp):
    return _raised(lambda: erp().supplier_invoices.get("NO-SUCH-INVOICE"))


def _validation_failed(sandbox, erp):
    # A date filter without its condition: a Financials 400 with no text the guide recognises.
    path = "/v1/supplierInvoice"
    operation = Operation(
        "GET",
        Service.ERP,
        path,
        path,
        "supplierInvoice",
        lambda r: None,
        params={"lastModifiedDateTime": "2026-01-01T00:00:00"},
    )
    return _raised(lambda: erp().request(operation))


def _unknown(sandbox, erp):
    # A method the path does not take: 405, which the guide has no entry for.
    path = "/v1/supplierInvoice"
    operation = Operation("PATCH", Service.ERP, path, path, "supplierInvoice", lambda r: None)
    return _raised(lambda: erp().request(operation))


RECIPES: dict[str, Callable[..., errors.ErpError]] = {
    "vat_id_not_found": _financials_armed("vat_id_not_found"),
    "manual_numbering_refused": _manual_numbering,
    "override_number_series_refused": _financials_armed("override_number_series"),
    "no_license": _scenario_get("no_license"),
    "company_context": _scenario_get("company_context"),
    "invalid_tenant": _scenario_get("not_approved"),
    "invalid_client": _invalid_client,
    "customer_tenant_id": _scenario_get("customer_tenant"),
    "scope_missing": _scope_missing,
    "order_number_taken": _order_number_taken,
    "conflict": _financials_armed("conflict"),
    "precondition_failed": _stale_if_match,
    "precondition_required": _delete_without_if_match,
    "rate_limited": _rate_limited,
    "repeated_request": _repeated_request,
    "budget_held": _budget_held,
    "background_state_forbidden": _background_forbidden,
    "background_state_not_found": _background_not_found,
    "background_content_missing": _background_content_missing,
    "background_content_gone": _background_content_gone,
    "erp_unavailable": _erp_unavailable,
    "not_found": _not_found,
    "validation_failed": _validation_failed,
    "unknown": _unknown,
    **{key: _v3(key.removeprefix("v3:")) for key in CATALOGUE if key.startswith("v3:")},
}


def test_every_catalogue_entry_has_a_recipe():
    assert sorted(RECIPES) == sorted(CATALOGUE)


@pytest.mark.parametrize("key", sorted(RECIPES))
def test_the_entry_is_read_from_the_sandboxs_error(key, sandbox, erp, advance_sandbox_clock):
    recipe = RECIPES[key]
    if recipe is _background_content_gone:
        error = recipe(sandbox, erp, advance_sandbox_clock)
    else:
        error = recipe(sandbox, erp)
    reading = explain(error, company="Nordlys Handel AS", isv="Acme Integrations")
    assert key in [explanation.key for explanation in reading.explanations], (
        f"{key}: read as {[e.key for e in reading.explanations]} from {error!r}"
    )
    if key == "unknown":
        assert "not in the catalogue yet" in reading.first.title
        assert reading.raw, "an unknown error shows the ERP's raw answer"
    if key == "vat_id_not_found":
        assert reading.first.title and "01" in reading.first.meaning + reading.first.title
