"""Customer lookups for order forms (SalesOrders v3 ``/api/v3/Customers``): requests and readers."""

from __future__ import annotations

from .._operation import Operation, build_path
from .._reply import Reply
from ..config import Service
from ..models.customers import Customer, CustomerLocation
from ..pagination import PageData, read_v3_page, v3_paging
from ._common import json_list

FAMILY = "customers"
LIST = "/api/v3/Customers"
LOCATIONS = "/api/v3/Customers/{customerId}/locations"


def page_operation(
    page_number: int, *, page_size: int, search: str | None
) -> Operation[PageData[Customer]]:
    params = {"filter": search or None, **v3_paging(page_number, page_size)}

    def read(reply: Reply) -> PageData[Customer]:
        return read_v3_page(reply, Customer, page_number, page_size)

    return Operation("GET", Service.SALESORDER, LIST, LIST, FAMILY, read, params=params)


def _read_locations(reply: Reply) -> list[CustomerLocation]:
    return [CustomerLocation.from_dict(row, ratelimit=reply.ratelimit) for row in json_list(reply)]


def locations_operation(customer_id: str) -> Operation[list[CustomerLocation]]:
    path = build_path(LOCATIONS, customerId=customer_id)
    return Operation("GET", Service.SALESORDER, LOCATIONS, path, FAMILY, _read_locations)
