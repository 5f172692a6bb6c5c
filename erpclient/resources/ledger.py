"""General-ledger lookups (Financials API): accounts and subaccounts, e.g. for prebooking."""

from __future__ import annotations

from typing import Any

from .._operation import Operation
from .._reply import Reply
from ..config import Service
from ..models.ledger import Account, Subaccount
from ..pagination import PageData, financials_paging, read_financials_page

FAMILY = "ledger"
ACCOUNTS = "/v1/account"
SUBACCOUNTS = "/v1/subaccount"


def accounts_operation(
    page_number: int, *, page_size: int, active: bool | None
) -> Operation[PageData[Account]]:
    params: dict[str, Any] = {"active": None if active is None else str(active).lower()}
    params.update(financials_paging(page_number, page_size))

    def read(reply: Reply) -> PageData[Account]:
        return read_financials_page(reply, Account, page_number, page_size)

    return Operation("GET", Service.ERP, ACCOUNTS, ACCOUNTS, FAMILY, read, params=params)


def subaccounts_operation(
    page_number: int, *, page_size: int, active: bool | None
) -> Operation[PageData[Subaccount]]:
    params: dict[str, Any] = {"active": None if active is None else str(active).lower()}
    params.update(financials_paging(page_number, page_size))

    def read(reply: Reply) -> PageData[Subaccount]:
        return read_financials_page(reply, Subaccount, page_number, page_size)

    return Operation("GET", Service.ERP, SUBACCOUNTS, SUBACCOUNTS, FAMILY, read, params=params)
