# Generated from erpclient/_async by scripts/generate_sync.py; do not edit.
# Change the async source and run `python scripts/generate_sync.py`.
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
from .pagination import Page, SyncListing, fetch_page

if TYPE_CHECKING:
    from .client import ErpClient


class SupplierPayments(SyncListing[SupplierPayment]):
    def __init__(self, client: ErpClient) -> None:
        self._client = client

    def page(
        self, *, page_number: int = 1, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any
    ) -> Page[SupplierPayment]:
        """One page; filters as in ``erpclient.resources.supplier_payments.payment_filters``."""
        params = ops.payment_filters(**filters)
        operation = partial(ops.page_operation, page_size=page_size, filters=params)
        return fetch_page(self._client, operation, page_number)

    def get(self, number: str, payment_type: str | None = None) -> SupplierPayment:
        return self._client.request(ops.get_operation(number, payment_type))

    def update(
        self, number: str, body: Mapping[str, Any], **write: Unpack[WriteOptions]
    ) -> WriteResult | BackgroundAccepted:
        """PUT a ``SupplierPaymentUpdateDto`` (values wrapped as ``{"value": …}``) with the ETag
        you showed as ``if_match``; 412 (``PreconditionFailed``) means it changed since."""
        return self._client.request(ops.update_operation(number, body, **write))

    def release(
        self, number: str, *, payment_type: str | None = None, **write: Unpack[WriteOptions]
    ) -> ActionResult | BackgroundAccepted:
        """Release the payment (``payment_type`` goes in the body, e.g. ``Payment``)."""
        return self._client.request(ops.release_operation(number, payment_type, **write))
