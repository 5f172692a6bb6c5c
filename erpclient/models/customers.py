"""Customers as the SalesOrders v3 service lists them, for order forms."""

from __future__ import annotations

from ._base import ErpModel, erp_model, nested, spec


@erp_model
class CustomerLocation(ErpModel):
    id: str | None = spec()
    internal_id: int | None = spec()
    name: str | None = spec()
    country_id: str | None = spec()
    corporate_id: str | None = spec()
    gln: str | None = spec()
    tax_registration_id: str | None = spec()
    warehouse_id: str | None = spec()


@erp_model
class Customer(ErpModel):
    """``CustomerDto``."""

    id: str | None = spec()
    internal_id: int | None = spec()
    name: str | None = spec()
    status: str | None = spec()
    address_line1: str | None = spec()
    address_line2: str | None = spec()
    postal_code: str | None = spec()
    country: str | None = spec()
    currency_id: str | None = spec()
    customer_class_id: str | None = spec()
    salutation: str | None = spec()
    default_location: CustomerLocation | None = spec(conv=nested(CustomerLocation))
