"""Typed results of the ERP's resources."""

from ._base import ErpModel
from .background import BackgroundAccepted, BackgroundContent, BackgroundState
from .context import CompanyContext
from .customers import Customer, CustomerLocation
from .inventory import InventoryItem, WarehouseAvailability
from .new_sales_order import NewSalesOrder, OrderCustomer, OrderLine, PurchaseOrderSource
from .sales_orders import (
    CreatedOrder,
    SalesOrder,
    SalesOrderCustomer,
    SalesOrderStatus,
    SalesOrderSummary,
)
from .supplier_invoices import (
    ActionResult,
    Attachment,
    Metadata,
    NumberName,
    SupplierInvoice,
    SupplierInvoiceLine,
    SupplierRef,
    WriteResult,
)
from .supplier_payments import SupplierPayment, SupplierPaymentLine

__all__ = [
    "ActionResult",
    "Attachment",
    "BackgroundAccepted",
    "BackgroundContent",
    "BackgroundState",
    "CompanyContext",
    "CreatedOrder",
    "Customer",
    "CustomerLocation",
    "ErpModel",
    "InventoryItem",
    "Metadata",
    "NewSalesOrder",
    "NumberName",
    "OrderCustomer",
    "OrderLine",
    "PurchaseOrderSource",
    "SalesOrder",
    "SalesOrderCustomer",
    "SalesOrderStatus",
    "SalesOrderSummary",
    "SupplierInvoice",
    "SupplierInvoiceLine",
    "SupplierPayment",
    "SupplierPaymentLine",
    "SupplierRef",
    "WarehouseAvailability",
    "WriteResult",
]
