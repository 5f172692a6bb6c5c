"""``client.supplier_payments``: list, read, update and release supplier payments.

``release`` takes ``if_match=`` and ``background=`` like the supplier-invoice actions; with
``background`` the ERP answers 202 and the call returns ``BackgroundAccepted``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, Unpack

from ..models.background import BackgroundAccepted
from ..models.supplier_invoices import ActionResult, WriteResult
from ..models.supplier_payments import SupplierPayment
from ..pagination import DEFAULT_PAGE_SIZE
from ..resources import supplier_payments as ops
from ..resources._financials import WriteOptions
from .pagination import AsyncListing, AsyncPage, fetch_page

if TYPE_CHECKING:
    from .client import AsyncErpClient


class AsyncSupplierPayments(AsyncListing[SupplierPayment]):
    def __init__(self, client: AsyncErpClient) -> None:
        self._client = client

    async def page(
        self, *, page_number: int = 1, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any
    ) -> AsyncPage[SupplierPayment]:
        """One page; filters as in ``erpclient.resources.supplier_payments.payment_filters``."""
        params = ops.payment_filters(**filters)
        operation = partial(ops.page_operation, page_size=page_size, filters=params)
        return await fetch_page(self._client, operation, page_number)

    async def get(self, number: str, payment_type: str | None = None) -> SupplierPayment:
        return await self._client.request(ops.get_operation(number, payment_type))

    async def update(
        self, number: str, body: Mapping[str, Any], **write: Unpack[WriteOptions]
    ) -> WriteResult | BackgroundAccepted:
        """PUT a ``SupplierPaymentUpdateDto`` (values wrapped as ``{"value": …}``) with the ETag
        you showed as ``if_match``; 412 (``PreconditionFailed``) means it changed since."""
        return await self._client.request(ops.update_operation(number, body, **write))

    async def release(
        self, number: str, *, payment_type: str | None = None, **write: Unpack[WriteOptions]
    ) -> ActionResult | BackgroundAccepted:
        """Release the payment (``payment_type`` goes in the body, e.g. ``Payment``)."""
        return await self._client.request(ops.release_operation(number, payment_type, **write))
