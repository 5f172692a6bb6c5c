"""Catalogue entries read from real error bodies the sandbox ERP sends, over real HTTP."""

from __future__ import annotations

import pytest

from erpclient import errors
from errorguide import Owner, explain
from errorguide.catalogue import Link
from tests.conftest import sandbox_away_from_the_hour
from tests.erpclient.conftest import demo_tenant


def _raised(call) -> errors.ErpError:
    with pytest.raises(errors.ErpError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize(
    ("scenario", "key", "issue_kind"),
    [
        ("no_license", "no_license", "no_license"),
        ("company_context", "company_context", "company_context"),
        ("not_approved", "invalid_tenant", "invalid_tenant"),
        ("customer_tenant", "customer_tenant_id", "customer_tenant_id"),
    ],
)
def test_tenant_problems_link_to_the_tenants_health_issue(erp, scenario, key, issue_kind):
    client = erp(scenario)
    reading = explain(_raised(lambda: client.supplier_invoices.get("000001", "Invoice")))
    assert reading.first.key == key
    assert reading.first.issue_kind == issue_kind
    assert Link.TENANT_ISSUE in reading.first.links


def test_the_12027_reading_lists_the_three_causes_with_who_checks_each(erp):
    reading = explain(
        _raised(lambda: erp("no_license").context.get()), company="Järnviken Verkstad AB"
    )
    message = reading.first.customer_message
    assert "API User" in message and "tenant id" in message and "licence" in message
    assert "Järnviken Verkstad AB" in message


def test_a_missing_salesorders_scope(erp):
    client = erp("salesorder_scope_missing")
    reading = explain(_raised(lambda: client.sales_orders.page()))
    assert reading.first.key == "scope_missing"


def test_a_stale_if_match_is_412_and_nothing_was_overwritten(sandbox, erp):
    client = erp()
    invoice = next(iter(client.supplier_invoices.list(page_size=5, status="Balanced")))
    sandbox.control(
        "POST",
        f"/_sandbox/tenants/{demo_tenant('healthy')['tenant_id']}/supplier-invoices/"
        f"{invoice.document_type}/{invoice.reference_number}/touch",
    )
    error = _raised(
        lambda: client.supplier_invoices.update(
            invoice.reference_number,
            {"description": {"value": "mine"}},
            document_type=invoice.document_type,
            if_match=invoice,
        )
    )
    reading = explain(error)
    assert reading.status == 412
    assert reading.first.key == "precondition_failed"
    assert "Nothing was overwritten" in reading.first.meaning


def test_a_v3_delete_without_if_match_is_428(erp):
    client = erp()
    created = client.sales_orders.create(
        {"type": "SO", "customer": {"id": "10000"}, "orderLines": [{"inventoryId": "STOCKITEM1"}]}
    )
    error = _raised(lambda: client.request(_delete(created.type, created.order_id)))
    assert explain(error).first.key == "precondition_required"


def _delete(order_type: str, order_id: str):
    from erpclient._operation import Operation, build_path
    from erpclient.config import Service

    path = build_path("/api/v3/SalesOrders/{type}/{orderId}", type=order_type, orderId=order_id)
    return Operation("DELETE", Service.SALESORDER, path, path, "salesorders", lambda reply: None)


def test_a_v3_validation_error_names_the_line_and_its_code(erp):
    client = erp()
    error = _raised(
        lambda: client.sales_orders.create(
            {
                "type": "SO",
                "customer": {"id": "10000"},
                "orderLines": [{"inventoryId": "STOCKITEM1"}, {"inventoryId": "NO-SUCH-ITEM"}],
            }
        )
    )
    reading = explain(error)
    line = next(e for e in reading.explanations if e.field_path == "orderLines[1].inventoryId")
    assert line.code == "1804-InventoryIdNotFound"
    assert line.short == "not found in the ERP"
    assert reading.known


def test_a_throttled_company_links_to_its_usage_page(sandbox, erp):
    tenant = demo_tenant("healthy")
    sandbox_away_from_the_hour(sandbox)  # the 429 must not end with the hour mid-test
    sandbox.control(
        "POST",
        "/_sandbox/usage",
        {"tenant_id": tenant["tenant_id"], "client_id": "isv_demo_test", "used": 500},
    )
    client = erp(retry_after_cap=0)
    reading = explain(_raised(lambda: client.context.get()))
    assert reading.first.key == "rate_limited"
    assert Link.USAGE_PAGE in reading.first.links
    assert "seconds" in reading.first.meaning


def test_background_state_of_an_unknown_operation_is_404_explained(erp):
    client = erp()
    reading = explain(_raised(lambda: client.background.state("no-such-operation")))
    assert reading.first.key == "background_state_not_found"
    assert reading.first.owner is Owner.ISV
