# Generated from erpclient/_async by scripts/generate_sync.py; do not edit.
# Change the async source and run `python scripts/generate_sync.py`.
"""``client.supplier_invoices``: list, read, update and act on supplier invoices (Financials API).

Every write takes ``if_match=`` (an ETag string or the invoice you read) and ``background=`` (a
``Background``); with ``background`` the ERP answers 202 and the call returns
``BackgroundAccepted``. The ERP checks ``If-Match`` on actions only together with
``erp-api-background``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, Unpack

from .._operation import FileUpload
from ..models.background import BackgroundAccepted
from ..models.supplier_invoices import ActionResult, SupplierInvoice, WriteResult
from ..pagination import DEFAULT_PAGE_SIZE
from ..resources import supplier_invoices as ops
from ..resources._financials import WriteOptions
from ..resources.supplier_invoices import INVOICE
from .pagination import Page, SyncListing, fetch_page

if TYPE_CHECKING:
    from .client import ErpClient

Written = WriteResult | BackgroundAccepted
Acted = ActionResult | BackgroundAccepted


class SupplierInvoices(SyncListing[SupplierInvoice]):
    def __init__(self, client: ErpClient) -> None:
        self._client = client

    def page(
        self, *, page_number: int = 1, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any
    ) -> Page[SupplierInvoice]:
        """One page; filters as in ``erpclient.resources.supplier_invoices.invoice_filters``."""
        params = ops.invoice_filters(**filters)
        operation = partial(ops.page_operation, page_size=page_size, filters=params)
        return fetch_page(self._client, operation, page_number)

    def get(self, number: str, document_type: str | None = None) -> SupplierInvoice:
        return self._client.request(ops.get_operation(number, document_type))

    def update(
        self,
        number: str,
        body: Mapping[str, Any],
        *,
        document_type: str | None = None,
        **write: Unpack[WriteOptions],
    ) -> Written:
        """PUT a ``SupplierInvoiceUpdateDto`` (values wrapped as ``{"value": …}``). Pass the ETag
        you showed the user as ``if_match``; 412 (``PreconditionFailed``) means someone else
        changed the invoice since."""
        operation = ops.update_operation(number, body, document_type, **write)
        return self._client.request(operation)

    def release(
        self, number: str, *, document_type: str | None = None, **write: Unpack[WriteOptions]
    ) -> Acted:
        """Release the invoice (the path names the document type only when given)."""
        return self._act(number, "release", document_type, write)

    def prebook(
        self,
        number: str,
        *,
        document_type: str = INVOICE,
        account: str | None = None,
        subaccount: Mapping[int, str] | Sequence[Mapping[str, Any]] | None = None,
        **write: Unpack[WriteOptions],
    ) -> Acted:
        """Prebook to ``account`` (and ``subaccount``: ``{segment_id: value}`` or the DTO's
        ``[{segmentId, segmentValue}]``)."""
        body = ops.prebook_body(account, subaccount)
        return self._act(number, "prebook", document_type, write, body)

    def void(
        self, number: str, *, document_type: str = INVOICE, **write: Unpack[WriteOptions]
    ) -> Acted:
        """Void the invoice."""
        return self._act(number, "voidinvoice", document_type, write)

    def send_to_approval(
        self, number: str, *, document_type: str = INVOICE, **write: Unpack[WriteOptions]
    ) -> Acted:
        """Send the invoice to the approval workflow."""
        return self._act(number, "sendtoapproval", document_type, write)

    def reverse(
        self, number: str, *, document_type: str = INVOICE, **write: Unpack[WriteOptions]
    ) -> Acted:
        """Reverse a released invoice (``reference_number`` of the reversal in the result)."""
        return self._act(number, "reverse", document_type, write)

    def correct(self, number: str, **write: Unpack[WriteOptions]) -> Acted:
        """A correction copy of a released invoice (``ref_nbr`` of the copy in the result)."""
        return self._act(number, "correct", None, write)

    def attach(
        self,
        number: str,
        *,
        filename: str,
        content: bytes,
        content_type: str = "application/octet-stream",
        document_type: str | None = None,
        line_number: int | None = None,
        **write: Unpack[WriteOptions],
    ) -> Written:
        """Upload a file to the invoice, or to one of its lines with ``line_number`` (multipart);
        the same name again makes a new revision."""
        upload = FileUpload(filename, content, content_type)
        operation = ops.attach_operation(number, upload, document_type, line_number, **write)
        return self._client.request(operation)

    def attach_to_line(self, number: str, *, line_number: int, **attachment: Any) -> Written:
        """``attach`` to one line of the invoice; the same arguments as ``attach``."""
        return self.attach(number, line_number=line_number, **attachment)

    def _act(
        self,
        number: str,
        action: str,
        document_type: str | None,
        write: WriteOptions,
        body: Mapping[str, Any] | None = None,
    ) -> Acted:
        operation = ops.action_operation(number, action, document_type, body, **write)
        return self._client.request(operation)
