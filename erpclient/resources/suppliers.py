"""Suppliers (Financials API ``/v1/supplier``): requests and readers."""

from __future__ import annotations

from .._operation import Operation
from .._reply import Reply
from ..config import Service
from ..models.suppliers import Supplier
from ..pagination import PageData, financials_paging, read_financials_page

FAMILY = "supplier"
LIST = "/v1/supplier"


def page_operation(
    page_number: int, *, page_size: int, name: str | None, status: str | None
) -> Operation[PageData[Supplier]]:
    params = {"name": name or None, "status": status or None}
    params.update(financials_paging(page_number, page_size))

    def read(reply: Reply) -> PageData[Supplier]:
        return read_financials_page(reply, Supplier, page_number, page_size)

    return Operation("GET", Service.ERP, LIST, LIST, FAMILY, read, params=params)
