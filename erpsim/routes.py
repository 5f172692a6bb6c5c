"""Every endpoint the sandbox serves, in one table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from erpsim import connect, control, control_documents, control_events, statuspage
from erpsim.call import CONNECT, CONTROL, FINANCIALS, SALESORDERS, STATUSPAGE
from erpsim.config import SandboxOptions
from erpsim.financials import background_api, context, feedback, ledger
from erpsim.financials import lookups as financial_lookups
from erpsim.financials import supplier_invoice_actions as actions
from erpsim.financials import supplier_invoices as invoices
from erpsim.financials import supplier_payments as payments
from erpsim.routing import Router
from erpsim.salesorders import lookups, orders

_SI = "/v1/supplierInvoice"
_V3 = "/api/v3"
MULTIPART_ALLOWANCE = 64 * 1024


def build_router(options: SandboxOptions | None = None) -> Router:
    options = options or SandboxOptions()
    router = Router()

    def erp(
        method: str, template: str, handler: Callable[..., Any], max_body: int | None = None
    ) -> None:
        # Both ERP services match paths case-insensitively (ASP.NET routing).
        api = SALESORDERS if template.startswith(_V3) else FINANCIALS
        router.add(api, method, template, handler, ignore_case=True, max_body=max_body)

    # An upload may carry a whole attachment plus the multipart framing around it.
    upload = options.max_attachment_bytes + MULTIPART_ALLOWANCE

    router.add(CONNECT, "POST", "/connect/token", connect.token)
    router.add(CONNECT, "GET", "/.well-known/openid-configuration", connect.discovery)

    erp("GET", "/resources/v1/context", context.companies)
    erp("GET", "/resources/v1/context/{companyId}", context.company_details)
    erp("GET", "/security/api/v1/token/usercontexts", context.companies)

    erp("GET", _SI, invoices.list_invoices)
    erp("GET", f"{_SI}/{{invoiceNumber}}", invoices.get_invoice)
    erp("PUT", f"{_SI}/{{invoiceNumber}}", invoices.put_invoice)
    erp("GET", f"{_SI}/{{documentType}}/{{invoiceNumber}}", invoices.get_invoice)
    erp("PUT", f"{_SI}/{{documentType}}/{{invoiceNumber}}", invoices.put_invoice)
    erp("POST", f"{_SI}/{{invoiceNumber}}/action/release", actions.release)
    erp("POST", f"{_SI}/{{invoiceNumber}}/action/correct", actions.correct)
    erp("POST", f"{_SI}/{{documentType}}/{{invoiceNumber}}/action/release", actions.release)
    erp("POST", f"{_SI}/{{documentType}}/{{invoiceNumber}}/action/prebook", actions.prebook)
    erp(
        "POST", f"{_SI}/{{documentType}}/{{invoiceNumber}}/action/voidinvoice", actions.void_invoice
    )
    erp(
        "POST",
        f"{_SI}/{{documentType}}/{{invoiceNumber}}/action/sendtoapproval",
        actions.send_to_approval,
    )
    erp("POST", f"{_SI}/{{documentType}}/{{invoiceNumber}}/action/reverse", actions.reverse)
    for template in (
        f"{_SI}/documentType/{{documentType}}/{{invoiceNumber}}/attachment",
        f"{_SI}/documentType/{{documentType}}/{{invoiceNumber}}/{{lineNumber}}/attachment",
        f"{_SI}/{{invoiceNumber}}/attachment",
        f"{_SI}/{{invoiceNumber}}/{{lineNumber}}/attachment",
    ):
        erp("POST", template, actions.attach, max_body=upload)

    erp("GET", "/v1/supplierPayment", payments.list_payments)
    erp("GET", "/v1/supplierPayment/{paymentNumber}", payments.get_payment)
    erp("PUT", "/v1/supplierPayment/{paymentNumber}", payments.put_payment)
    erp("GET", "/v1/supplierPayment/{paymentType}/{paymentNumber}", payments.get_payment)
    erp("POST", "/v1/supplierPayment/{paymentNumber}/action/release", payments.release)
    erp("GET", "/v1/account", ledger.list_accounts)
    erp("GET", "/v1/subaccount", ledger.list_subaccounts)

    erp("GET", "/v1/salesordertype", financial_lookups.list_order_types)
    erp("GET", "/v1/salesordertype/{orderType}", financial_lookups.get_order_type)
    erp("GET", "/v1/numberSequence", financial_lookups.list_number_sequences)
    erp("GET", "/v1/numberSequence/{numberingId}", financial_lookups.get_number_sequence)
    erp("GET", "/v1/supplier", financial_lookups.list_suppliers)
    erp("GET", "/v1/supplier/{supplierCd}", financial_lookups.get_supplier)
    erp("GET", "/v1/inventory", financial_lookups.list_inventory)
    erp("GET", "/v1/inventory/{inventoryNumber}", financial_lookups.get_inventory_item)

    erp("POST", "/v1/webhooknotificationfeedback", feedback.post_feedback)

    erp("GET", "/v1/background/{requestId}", background_api.state)
    erp("GET", "/v1/background/{requestId}/content", background_api.content)

    erp("POST", f"{_V3}/SalesOrders", orders.create_order)
    erp("GET", f"{_V3}/SalesOrders", orders.list_orders)
    erp("GET", f"{_V3}/SalesOrders/{{type}}", orders.list_orders)
    erp("GET", f"{_V3}/SalesOrders/{{type}}/{{orderId}}", orders.get_order)
    erp("DELETE", f"{_V3}/SalesOrders/{{type}}/{{orderId}}", orders.delete_order)
    erp("GET", f"{_V3}/SalesOrders/{{type}}/{{orderId}}/lines", orders.list_lines)
    erp("GET", f"{_V3}/SalesOrders/{{type}}/{{orderId}}/lines/{{lineId}}", orders.get_line)
    erp("GET", f"{_V3}/Customers", lookups.list_customers)
    erp("GET", f"{_V3}/Customers/{{customerId}}/locations", lookups.customer_locations)
    erp("GET", f"{_V3}/Inventory", lookups.list_inventory)

    router.add(STATUSPAGE, "GET", "/api/v2/summary.json", statuspage.summary)

    sb = "/_sandbox"
    router.add(CONTROL, "GET", f"{sb}/health", control.health)
    router.add(CONTROL, "POST", f"{sb}/reset", control.reset)
    router.add(CONTROL, "GET", f"{sb}/clients", control.list_clients)
    router.add(CONTROL, "POST", f"{sb}/clients", control.add_client)
    router.add(CONTROL, "GET", f"{sb}/tenants", control.list_tenants)
    router.add(CONTROL, "POST", f"{sb}/tenants", control.add_tenant)
    router.add(CONTROL, "POST", f"{sb}/tenants/{{tenant_id}}/scenario", control.set_scenario)
    router.add(
        CONTROL,
        "POST",
        f"{sb}/tenants/{{tenant_id}}/supplier-invoices/{{documentType}}/{{number}}/touch",
        control_documents.touch_invoice,
    )
    router.add(
        CONTROL,
        "POST",
        f"{sb}/tenants/{{tenant_id}}/supplier-payments/{{paymentType}}/{{number}}/touch",
        control_documents.touch_payment,
    )
    router.add(CONTROL, "GET", f"{sb}/faults", control.get_faults)
    router.add(CONTROL, "POST", f"{sb}/faults", control.set_faults)
    router.add(CONTROL, "GET", f"{sb}/faults/lost-answer", control.lost_answers)
    router.add(CONTROL, "POST", f"{sb}/faults/lost-answer", control.lose_next_answer)
    router.add(CONTROL, "GET", f"{sb}/faults/erp-error", control.armed_errors)
    router.add(CONTROL, "POST", f"{sb}/faults/erp-error", control.arm_error)
    router.add(CONTROL, "GET", f"{sb}/settings", control.get_settings)
    router.add(CONTROL, "POST", f"{sb}/settings", control.set_settings)
    router.add(CONTROL, "GET", f"{sb}/clock", control.get_clock)
    router.add(CONTROL, "POST", f"{sb}/clock", control.advance_clock)
    router.add(CONTROL, "GET", f"{sb}/requests", control.requests)
    router.add(CONTROL, "GET", f"{sb}/usage", control.get_usage)
    router.add(CONTROL, "POST", f"{sb}/usage", control.set_usage)
    router.add(CONTROL, "GET", f"{sb}/background", control.background_operations)
    router.add(CONTROL, "GET", f"{sb}/webhooks", control.webhooks)
    router.add(CONTROL, "POST", f"{sb}/webhooks/flush", control_events.flush)
    router.add(CONTROL, "POST", f"{sb}/webhooks/{{delivery_id}}/replay", control_events.replay)
    router.add(CONTROL, "GET", f"{sb}/subscriptions", control_events.list_subscriptions)
    router.add(CONTROL, "POST", f"{sb}/subscriptions", control_events.add_subscription)
    router.add(
        CONTROL,
        "DELETE",
        f"{sb}/subscriptions/{{subscription_id}}",
        control_events.remove_subscription,
    )
    router.add(CONTROL, "POST", f"{sb}/events", control_events.press)
    router.add(CONTROL, "POST", f"{sb}/statuspage", control_events.statuspage_event)
    router.add(CONTROL, "GET", f"{sb}/feedback", control_events.feedback)
    tenant = f"{sb}/tenants/{{tenant_id}}"
    router.add(CONTROL, "POST", f"{tenant}/customers/{{id}}", control_documents.change_customer)
    router.add(CONTROL, "POST", f"{tenant}/suppliers/{{number}}", control_documents.change_supplier)
    router.add(
        CONTROL, "POST", f"{tenant}/inventory/{{inventory_id}}", control_documents.change_item
    )
    router.add(
        CONTROL,
        "POST",
        f"{tenant}/sales-orders/{{type}}/{{order_id}}/touch",
        control_documents.touch_order,
    )
    return router
