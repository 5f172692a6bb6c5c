"""Every resource over real HTTP against the sandbox ERP."""

from __future__ import annotations

from datetime import datetime

import pytest

from erpclient import (
    ActionResult,
    CreatedOrder,
    NewSalesOrder,
    OrderCustomer,
    OrderLine,
    PurchaseOrderSource,
    SupplierInvoice,
    WriteResult,
    errors,
    since,
    until,
)

from .conftest import demo_tenant, sandbox_requests

HEALTHY = demo_tenant("healthy")


def _first(client, **filters) -> SupplierInvoice:
    page = client.supplier_invoices.page(page_size=20, **filters)
    assert page.items, f"the demo world has no invoice matching {filters}"
    return page.items[0]


@pytest.mark.smoke
def test_context_is_the_tenants_company_and_then_sent_as_ipp_company_id(sandbox, erp):
    client = erp()
    context = client.context.get()
    assert context.id == HEALTHY["company_id"] and context.name == HEALTHY["name"]
    assert context.ratelimit is not None and context.ratelimit.limit == 500
    assert client.company_id == str(HEALTHY["company_id"])
    client.supplier_invoices.page(page_size=1)
    logged = sandbox_requests(sandbox, tenant_id=HEALTHY["tenant_id"])
    assert "ipp-company-id" not in logged[-2]["headers"]
    assert logged[-1]["headers"]["ipp-company-id"] == str(HEALTHY["company_id"])
    assert logged[-1]["headers"]["accept-encoding"] == "br, gzip, deflate"
    assert logged[-1]["headers"]["user-agent"].startswith("vismanet-isv-portal-erpclient/")


def test_every_response_updates_the_rate_limit_figures(erp):
    client = erp()
    client.context.list()
    first = client.last_ratelimit
    page = client.supplier_invoices.page(page_size=1)
    assert page.ratelimit is client.last_ratelimit
    assert first.remaining - page.ratelimit.remaining == 1
    assert page.ratelimit.policy and page.ratelimit.reset_seconds is not None


def test_supplier_invoice_pages_and_auto_paging_agree(erp):
    client = erp()
    first = client.supplier_invoices.page(page_number=1, page_size=40)
    assert first.total_count and first.total_count > 40 and first.has_next
    second = first.next_page()
    assert second.page_number == 2
    assert {i.number for i in first.items}.isdisjoint({i.number for i in second.items})
    everything = list(client.supplier_invoices.list(page_size=100))
    assert len(everything) == first.total_count
    assert len({(i.document_type, i.number) for i in everything}) == len(everything)


def test_filters_reach_the_erp_and_narrow_the_list(erp):
    client = erp()
    everything = list(client.supplier_invoices.list(page_size=100))
    moments = sorted(i.last_modified_date_time for i in everything)
    middle = moments[len(moments) // 2].replace(tzinfo=None)
    recent = list(
        client.supplier_invoices.list(page_size=100, last_modified_date_time=since(middle))
    )
    assert 0 < len(recent) < len(everything)
    assert all(i.last_modified_date_time.replace(tzinfo=None) >= middle for i in recent)
    open_invoices = list(
        client.supplier_invoices.list(page_size=100, status="Open", document_type="Invoice")
    )
    assert open_invoices and all(
        i.status == "Open" and i.document_type == "Invoice" for i in open_invoices
    )
    cutoff = datetime(2026, 6, 30)
    due = list(client.supplier_invoices.list(page_size=100, due_date=until(cutoff)))
    assert all(i.due_date.date() <= cutoff.date() for i in due)


def test_get_with_and_without_document_type_carries_the_etag(erp):
    client = erp()
    listed = _first(client, document_type="Invoice")
    by_number = client.supplier_invoices.get(listed.number)
    by_type = client.supplier_invoices.get(listed.number, document_type="Invoice")
    assert by_number.number == by_type.number == listed.number
    assert by_type.etag == listed.etag == f'"{by_type.time_stamp}"'
    assert by_type.etag_header is not None


@pytest.mark.smoke
def test_update_with_if_match_then_a_stale_etag_gets_412(sandbox, erp):
    client = erp()
    balanced = _first(client, status="Balanced", document_type="Invoice")
    invoice = client.supplier_invoices.get(balanced.number, "Invoice")
    body = {"description": {"value": "Checked by the portal"}}
    result = client.supplier_invoices.update(
        invoice.number, body, document_type=invoice.document_type, if_match=invoice
    )
    assert isinstance(result, WriteResult) and result.status == 204
    assert result.etag and result.etag != invoice.etag
    fresh = client.supplier_invoices.get(invoice.number, invoice.document_type)
    assert fresh.description == "Checked by the portal" and fresh.etag == result.etag

    sandbox.control(
        "POST",
        f"/_sandbox/tenants/{HEALTHY['tenant_id']}/supplier-invoices/"
        f"{invoice.document_type}/{invoice.number}/touch",
    )
    with pytest.raises(errors.PreconditionFailed) as caught:
        client.supplier_invoices.update(
            invoice.number,
            {"description": {"value": "Overwrite"}},
            document_type=invoice.document_type,
            if_match=fresh,
        )
    assert caught.value.status == 412
    after_conflict = client.supplier_invoices.get(invoice.number, invoice.document_type)
    assert "Overwrite" not in after_conflict.description


def test_release_prebook_void_and_approval_actions(erp):
    client = erp()
    balanced = list(
        client.supplier_invoices.list(page_size=100, status="Balanced", document_type="Invoice")
    )
    assert len(balanced) >= 4
    to_release, to_prebook, to_void, to_approve = balanced[:4]

    released = client.supplier_invoices.release(to_release.number, document_type="Invoice")
    assert isinstance(released, ActionResult) and released.action_result == "Done"
    assert client.supplier_invoices.get(to_release.number, "Invoice").status == "Open"

    prebooked = client.supplier_invoices.prebook(
        to_prebook.number, account="6800", subaccount=[{"segmentId": 1, "segmentValue": "100"}]
    )
    assert prebooked.action_result == "Done"
    assert client.supplier_invoices.get(to_prebook.number, "Invoice").status == "Prebooked"

    client.supplier_invoices.void(to_void.number)
    assert client.supplier_invoices.get(to_void.number, "Invoice").status == "Voided"

    client.supplier_invoices.send_to_approval(to_approve.number)
    approved = client.supplier_invoices.get(to_approve.number, "Invoice")
    assert approved.approval_status == "SentToApproval"


def test_reverse_and_correct_name_the_new_documents(erp):
    client = erp()
    candidates = list(
        client.supplier_invoices.list(page_size=100, status="Open", document_type="Invoice")
    )
    untouched = [i for i in candidates if i.balance == i.amount]
    assert len(untouched) >= 2
    reversed_result = client.supplier_invoices.reverse(untouched[0].number)
    assert reversed_result.reference_number
    reversal = client.supplier_invoices.get(reversed_result.reference_number, "DebitAdj")
    assert reversal.document_type == "DebitAdj"

    corrected = client.supplier_invoices.correct(untouched[1].number)
    assert corrected.ref_nbr
    assert client.supplier_invoices.get(corrected.ref_nbr, "Invoice").status == "Hold"


def test_attachments_on_the_invoice_and_on_a_line(erp):
    client = erp()
    invoice = client.supplier_invoices.get(
        _first(client, document_type="Invoice").number, "Invoice"
    )
    line = invoice.invoice_lines[0].line_number
    header = client.supplier_invoices.attach(
        invoice.number,
        document_type="Invoice",
        filename="scan.pdf",
        content=b"%PDF-1.4 demo",
        content_type="application/pdf",
    )
    assert isinstance(header, WriteResult) and header.status == 201 and header.etag
    on_line = client.supplier_invoices.attach_to_line(
        invoice.number,
        line_number=line,
        filename="receipt.png",
        content=b"\x89PNG demo",
        content_type="image/png",
    )
    assert on_line.status == 201
    again = client.supplier_invoices.get(invoice.number, "Invoice")
    assert "scan.pdf" in [a.name for a in again.attachments]
    assert "receipt.png" in [
        a.name
        for invoice_line in again.invoice_lines
        if invoice_line.line_number == line
        for a in invoice_line.attachments
    ]


def test_sales_order_create_get_and_list(erp):
    client = erp()
    created = client.sales_orders.create(
        NewSalesOrder(
            type="SO",
            customer=OrderCustomer(id="10000", order="PO-PORTAL-1"),
            description="Created by the erpclient tests",
            lines=[
                OrderLine(inventory_id="STOCKITEM1", quantity=2, unit_price=1890.0),
                OrderLine(
                    inventory_id="STOCKITEM1",
                    quantity=1,
                    purchase_order_source=PurchaseOrderSource.DROP_SHIP,
                ),
            ],
        )
    )
    assert isinstance(created, CreatedOrder) and created.type == "SO" and created.order_id
    assert created.ratelimit is not None
    order = client.sales_orders.get(created.type, created.order_id)
    assert order.order_id == created.order_id and order.customer.id == "10000"
    assert order.description == "Created by the erpclient tests"
    assert order.etag and order.version

    first = client.sales_orders.page(page_size=5, type="SO")
    assert first.page_number == 1 and len(first.items) == 5 and first.has_next
    second = first.next_page()
    assert second.page_number == 2
    assert {o.order_id for o in first}.isdisjoint({o.order_id for o in second})
    newest = client.sales_orders.page(page_size=1, order_by="created desc")
    assert newest.items[0].order_id == created.order_id


def test_sales_order_with_own_number_is_safe_to_retry(erp):
    client = erp()
    order = {
        "type": "SO",
        "orderId": "WEB-7001",
        "customer": {"id": "10001"},
        "orderLines": [{"inventoryId": "STOCKITEM1", "quantity": 1}],
    }
    created = client.sales_orders.create(order, idempotent=True)
    assert created.order_id == "WEB-7001"
    with pytest.raises(errors.Conflict):
        client.sales_orders.create(order, idempotent=True)


def test_customers_and_inventory_lookups(erp):
    client = erp()
    page = client.customers.page(page_size=3)
    assert len(page.items) == 3 and page.total_count and page.total_count > 3
    found = client.customers.page("Bergen")
    assert [c.id for c in found.items] == ["10000"]
    locations = client.customers.locations("10000")
    assert locations and locations[0].id
    items = client.inventory.page(inventory_id="STOCKITEM1")
    assert [i.inventory_id for i in items.items] == ["STOCKITEM1"]
    assert items.items[0].availability and items.items[0].availability[0].warehouse_id
