"""``client.supplier_invoices``: list, read, update and act on supplier invoices (Financials API).

Paths follow OAS-2025 exactly (``supplierInvoice`` in camel case; ``voidinvoice``,
``sendtoapproval``; attachments under ``documentType/{documentType}/…``). Every write takes
``if_match=`` (an ETag string or the invoice you read) and ``background=`` (a ``Background``); with
``background`` the ERP answers 202 and the call returns ``BackgroundAccepted``. Note the ERP checks
``If-Match`` on actions only together with ``erp-api-background``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._operation import FileUpload, Operation, build_path
from .._reply import Reply
from ..background import Background
from ..config import Service
from ..etag import HasEtag
from ..filters import When
from ..models.background import BackgroundAccepted
from ..models.supplier_invoices import ActionResult, SupplierInvoice, WriteResult
from ..pagination import AsyncPage, Page, financials_has_next
from ._common import check_paging, if_match_header, json_list, json_object, parse_accepted

if TYPE_CHECKING:
    from .._client import AsyncErpClient, ErpClient

FAMILY = "supplierInvoice"
LIST = "/v1/supplierInvoice"
BY_NUMBER = "/v1/supplierInvoice/{invoiceNumber}"
BY_TYPE = "/v1/supplierInvoice/{documentType}/{invoiceNumber}"
ATTACH = "/v1/supplierInvoice/{invoiceNumber}/attachment"
ATTACH_BY_TYPE = "/v1/supplierInvoice/documentType/{documentType}/{invoiceNumber}/attachment"
ATTACH_LINE = "/v1/supplierInvoice/{invoiceNumber}/{lineNumber}/attachment"
ATTACH_LINE_BY_TYPE = (
    "/v1/supplierInvoice/documentType/{documentType}/{invoiceNumber}/{lineNumber}/attachment"
)
DEFAULT_PAGE_SIZE = 100
# These actions exist only on the path that names the document type.
_TYPED_ONLY_ACTIONS = frozenset({"prebook", "voidinvoice", "sendtoapproval", "reverse"})

IfMatch = str | HasEtag | None


# --- readers -----------------------------------------------------------------------------------


def _read_invoice(reply: Reply) -> SupplierInvoice:
    return SupplierInvoice.from_dict(
        json_object(reply), ratelimit=reply.ratelimit, etag_header=reply.headers.get("etag")
    )


def _read_write(reply: Reply) -> WriteResult | BackgroundAccepted:
    if reply.status_code == 202:
        return parse_accepted(reply)
    return WriteResult.from_dict(
        {},
        ratelimit=reply.ratelimit,
        status=reply.status_code,
        location=reply.headers.get("location"),
        etag_header=reply.headers.get("etag"),
    )


def _read_action(reply: Reply) -> ActionResult | BackgroundAccepted:
    if reply.status_code == 202:
        return parse_accepted(reply)
    data = json_object(reply) if reply.content else {}
    return ActionResult.from_dict(
        data,
        ratelimit=reply.ratelimit,
        status=reply.status_code,
        etag_header=reply.headers.get("etag"),
    )


# --- operations ----------------------------------------------------------------------------------


def invoice_filters(
    *,
    supplier: str | None = None,
    document_type: str | None = None,
    status: str | None = None,
    released: bool | None = None,
    branch: str | None = None,
    financial_period: str | None = None,
    project: str | None = None,
    item: str | None = None,
    doc_date: When | None = None,
    due_date: When | None = None,
    last_modified_date_time: When | None = None,
    created_date_time: When | None = None,
    expand_attachment: bool | None = None,
    expand_approval: bool | None = None,
    expand_note: bool | None = None,
    expand_line_prebook_accounts: bool | None = None,
    expand_landed_costs: bool | None = None,
) -> dict[str, Any]:
    """The list filters as the ERP's query parameters."""
    params: dict[str, Any] = {
        "supplier": supplier,
        "documentType": document_type,
        "status": status,
        "released": None if released is None else int(released),
        "branch": branch,
        "financialPeriod": financial_period,
        "project": project,
        "item": item,
        "expandAttachment": expand_attachment,
        "expandApproval": expand_approval,
        "expandNote": expand_note,
        "expandLinePrebookAccounts": expand_line_prebook_accounts,
        "expandLandedCosts": expand_landed_costs,
    }
    dated = (
        ("docDate", doc_date, True),
        ("dueDate", due_date, True),
        ("lastModifiedDateTime", last_modified_date_time, False),
        ("createdDateTime", created_date_time, False),
    )
    for name, when, date_only in dated:
        if when is None:
            continue
        if not isinstance(when, When):
            raise ValueError(
                f"{name} needs a condition: use since(), after(), until() or before() "
                "from erpclient.filters"
            )
        params.update(when.render(name, date_only=date_only))
    return params


def _page_reader(page_index: int, page_size: int) -> Any:
    def read(reply: Reply) -> Page[SupplierInvoice]:
        ratelimit = reply.ratelimit
        items = [SupplierInvoice.from_dict(row, ratelimit=ratelimit) for row in json_list(reply)]
        meta = items[0].metadata if items else None
        total = meta.total_count if meta else None
        has_next = financials_has_next(
            len(items), page_index, page_size, meta.max_page_size if meta else None, total
        )
        return Page(items, page_index, page_size, total, has_next, ratelimit)

    return read


def page_operation(
    page_index: int, page_size: int, filters: Mapping[str, Any]
) -> Operation[Page[SupplierInvoice]]:
    check_paging(page_index, page_size)
    params = {**filters, "pageNumber": page_index + 1, "pageSize": page_size}
    return Operation(
        "GET", Service.ERP, LIST, LIST, FAMILY, _page_reader(page_index, page_size), params=params
    )


def _invoice_path(template_typed: str, template_plain: str, **params: Any) -> tuple[str, str]:
    document_type = params.pop("documentType", None)
    if document_type is None:
        return template_plain, build_path(template_plain, **params)
    return template_typed, build_path(template_typed, documentType=document_type, **params)


def get_operation(number: str, document_type: str | None) -> Operation[SupplierInvoice]:
    template, path = _invoice_path(
        BY_TYPE, BY_NUMBER, invoiceNumber=number, documentType=document_type
    )
    return Operation("GET", Service.ERP, template, path, FAMILY, _read_invoice)


def update_operation(
    number: str,
    body: Mapping[str, Any],
    *,
    document_type: str | None,
    if_match: IfMatch,
    background: Background | None,
) -> Operation[WriteResult | BackgroundAccepted]:
    if not isinstance(body, Mapping) or not body:
        raise ValueError("update needs a non-empty SupplierInvoiceUpdateDto body")
    template, path = _invoice_path(
        BY_TYPE, BY_NUMBER, invoiceNumber=number, documentType=document_type
    )
    return Operation(
        "PUT",
        Service.ERP,
        template,
        path,
        FAMILY,
        _read_write,
        json=dict(body),
        if_match=if_match_header(if_match),
        background=background,
    )


def action_operation(
    number: str,
    action: str,
    *,
    document_type: str | None,
    if_match: IfMatch,
    background: Background | None,
    body: Mapping[str, Any] | None = None,
) -> Operation[ActionResult | BackgroundAccepted]:
    if action in _TYPED_ONLY_ACTIONS and not document_type:
        raise ValueError(f"the {action} action needs a document_type (for example 'Invoice')")
    suffix = f"/action/{action}"
    template, path = _invoice_path(
        BY_TYPE + suffix, BY_NUMBER + suffix, invoiceNumber=number, documentType=document_type
    )
    return Operation(
        "POST",
        Service.ERP,
        template,
        path,
        FAMILY,
        _read_action,
        json=body,
        if_match=if_match_header(if_match),
        background=background,
    )


def prebook_body(
    account: str | None, subaccount: Mapping[int, str] | Sequence[Mapping[str, Any]] | None
) -> dict[str, Any] | None:
    """``PrebookingUpdateDto``: ``{"accountNumber": {"value": …}, "subaccount": [{segmentId,
    segmentValue}]}``; ``subaccount`` may be ``{segment_id: value}``."""
    body: dict[str, Any] = {}
    if account is not None:
        if not str(account).strip():
            raise ValueError("account must not be empty")
        body["accountNumber"] = {"value": str(account)}
    if subaccount is not None:
        if isinstance(subaccount, Mapping):
            segments = [
                {"segmentId": int(segment), "segmentValue": str(value)}
                for segment, value in subaccount.items()
            ]
        else:
            segments = []
            for segment in subaccount:
                if "segmentId" not in segment or "segmentValue" not in segment:
                    raise ValueError("each subaccount segment needs segmentId and segmentValue")
                segments.append(
                    {
                        "segmentId": int(segment["segmentId"]),
                        "segmentValue": str(segment["segmentValue"]),
                    }
                )
        body["subaccount"] = segments
    return body or None


def attach_operation(
    number: str,
    *,
    filename: str,
    content: bytes,
    content_type: str,
    document_type: str | None,
    line_number: int | None,
    if_match: IfMatch,
    background: Background | None,
) -> Operation[WriteResult | BackgroundAccepted]:
    upload = FileUpload(filename, content, content_type)
    if line_number is None:
        template, path = _invoice_path(
            ATTACH_BY_TYPE, ATTACH, invoiceNumber=number, documentType=document_type
        )
    else:
        if not isinstance(line_number, int) or line_number < 1:
            raise ValueError("line_number must be a line number of the invoice (1 or more)")
        template, path = _invoice_path(
            ATTACH_LINE_BY_TYPE,
            ATTACH_LINE,
            invoiceNumber=number,
            lineNumber=line_number,
            documentType=document_type,
        )
    return Operation(
        "POST",
        Service.ERP,
        template,
        path,
        FAMILY,
        _read_write,
        upload=upload,
        if_match=if_match_header(if_match),
        background=background,
    )


# --- resources -----------------------------------------------------------------------------------


class SupplierInvoices:
    def __init__(self, client: ErpClient) -> None:
        self._client = client

    def page(
        self, *, page_number: int = 1, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any
    ) -> Page[SupplierInvoice]:
        """One page (``page_number`` starts at 1); filters as in ``invoice_filters``."""
        params = invoice_filters(**filters)
        return self._page(page_number - 1, page_size, params)

    def _page(self, index: int, size: int, params: dict[str, Any]) -> Page[SupplierInvoice]:
        page = self._client._request(page_operation(index, size, params))
        return page.paging_with(lambda next_index: self._page(next_index, size, params))

    def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any
    ) -> Iterator[SupplierInvoice]:
        """Every matching invoice, fetching page after page as you iterate."""
        params = invoice_filters(**filters)
        check_paging(0, page_size)
        return self._page(0, page_size, params).auto_paging_iter()

    def get(self, number: str, document_type: str | None = None) -> SupplierInvoice:
        return self._client._request(get_operation(number, document_type))

    def update(
        self,
        number: str,
        body: Mapping[str, Any],
        *,
        if_match: IfMatch = None,
        document_type: str | None = None,
        background: Background | None = None,
    ) -> WriteResult | BackgroundAccepted:
        """PUT a ``SupplierInvoiceUpdateDto`` (values wrapped as ``{"value": …}``). Pass the ETag
        you showed the user as ``if_match``; 412 (``PreconditionFailed``) means someone else
        changed the invoice since."""
        return self._client._request(
            update_operation(
                number, body, document_type=document_type, if_match=if_match, background=background
            )
        )

    def _action(self, number: str, action: str, **kwargs: Any) -> ActionResult | BackgroundAccepted:
        return self._client._request(action_operation(number, action, **kwargs))

    def release(
        self,
        number: str,
        *,
        document_type: str | None = None,
        if_match: IfMatch = None,
        background: Background | None = None,
    ) -> ActionResult | BackgroundAccepted:
        return self._action(
            number, "release", document_type=document_type, if_match=if_match, background=background
        )

    def prebook(
        self,
        number: str,
        *,
        document_type: str = "Invoice",
        account: str | None = None,
        subaccount: Mapping[int, str] | Sequence[Mapping[str, Any]] | None = None,
        if_match: IfMatch = None,
        background: Background | None = None,
    ) -> ActionResult | BackgroundAccepted:
        return self._action(
            number,
            "prebook",
            document_type=document_type,
            if_match=if_match,
            background=background,
            body=prebook_body(account, subaccount),
        )

    def void(
        self,
        number: str,
        *,
        document_type: str = "Invoice",
        if_match: IfMatch = None,
        background: Background | None = None,
    ) -> ActionResult | BackgroundAccepted:
        return self._action(
            number,
            "voidinvoice",
            document_type=document_type,
            if_match=if_match,
            background=background,
        )

    def send_to_approval(
        self,
        number: str,
        *,
        document_type: str = "Invoice",
        if_match: IfMatch = None,
        background: Background | None = None,
    ) -> ActionResult | BackgroundAccepted:
        return self._action(
            number,
            "sendtoapproval",
            document_type=document_type,
            if_match=if_match,
            background=background,
        )

    def reverse(
        self,
        number: str,
        *,
        document_type: str = "Invoice",
        if_match: IfMatch = None,
        background: Background | None = None,
    ) -> ActionResult | BackgroundAccepted:
        return self._action(
            number, "reverse", document_type=document_type, if_match=if_match, background=background
        )

    def correct(
        self, number: str, *, if_match: IfMatch = None, background: Background | None = None
    ) -> ActionResult | BackgroundAccepted:
        return self._action(
            number, "correct", document_type=None, if_match=if_match, background=background
        )

    def attach(
        self,
        number: str,
        *,
        filename: str,
        content: bytes,
        content_type: str = "application/octet-stream",
        document_type: str | None = None,
        if_match: IfMatch = None,
        background: Background | None = None,
    ) -> WriteResult | BackgroundAccepted:
        """Upload a file to the invoice (multipart); the same name again makes a new revision."""
        return self._client._request(
            attach_operation(
                number,
                filename=filename,
                content=content,
                content_type=content_type,
                document_type=document_type,
                line_number=None,
                if_match=if_match,
                background=background,
            )
        )

    def attach_to_line(
        self,
        number: str,
        *,
        line_number: int,
        filename: str,
        content: bytes,
        content_type: str = "application/octet-stream",
        document_type: str | None = None,
        if_match: IfMatch = None,
        background: Background | None = None,
    ) -> WriteResult | BackgroundAccepted:
        return self._client._request(
            attach_operation(
                number,
                filename=filename,
                content=content,
                content_type=content_type,
                document_type=document_type,
                line_number=line_number,
                if_match=if_match,
                background=background,
            )
        )


class AsyncSupplierInvoices:
    def __init__(self, client: AsyncErpClient) -> None:
        self._client = client

    async def page(
        self, *, page_number: int = 1, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any
    ) -> AsyncPage[SupplierInvoice]:
        params = invoice_filters(**filters)
        return await self._page(page_number - 1, page_size, params)

    async def _page(
        self, index: int, size: int, params: dict[str, Any]
    ) -> AsyncPage[SupplierInvoice]:
        page = await self._client._request(page_operation(index, size, params))

        async def fetch(next_index: int) -> AsyncPage[SupplierInvoice]:
            return await self._page(next_index, size, params)

        return page.paging_async_with(fetch)

    async def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any
    ) -> AsyncIterator[SupplierInvoice]:
        """Every matching invoice (``async for invoice in client.supplier_invoices.list()``)."""
        params = invoice_filters(**filters)
        check_paging(0, page_size)
        first = await self._page(0, page_size, params)
        async for invoice in first.auto_paging_iter():
            yield invoice

    async def get(self, number: str, document_type: str | None = None) -> SupplierInvoice:
        return await self._client._request(get_operation(number, document_type))

    async def update(
        self,
        number: str,
        body: Mapping[str, Any],
        *,
        if_match: IfMatch = None,
        document_type: str | None = None,
        background: Background | None = None,
    ) -> WriteResult | BackgroundAccepted:
        return await self._client._request(
            update_operation(
                number, body, document_type=document_type, if_match=if_match, background=background
            )
        )

    async def _action(
        self, number: str, action: str, **kwargs: Any
    ) -> ActionResult | BackgroundAccepted:
        return await self._client._request(action_operation(number, action, **kwargs))

    async def release(
        self,
        number: str,
        *,
        document_type: str | None = None,
        if_match: IfMatch = None,
        background: Background | None = None,
    ) -> ActionResult | BackgroundAccepted:
        return await self._action(
            number, "release", document_type=document_type, if_match=if_match, background=background
        )

    async def prebook(
        self,
        number: str,
        *,
        document_type: str = "Invoice",
        account: str | None = None,
        subaccount: Mapping[int, str] | Sequence[Mapping[str, Any]] | None = None,
        if_match: IfMatch = None,
        background: Background | None = None,
    ) -> ActionResult | BackgroundAccepted:
        return await self._action(
            number,
            "prebook",
            document_type=document_type,
            if_match=if_match,
            background=background,
            body=prebook_body(account, subaccount),
        )

    async def void(
        self,
        number: str,
        *,
        document_type: str = "Invoice",
        if_match: IfMatch = None,
        background: Background | None = None,
    ) -> ActionResult | BackgroundAccepted:
        return await self._action(
            number,
            "voidinvoice",
            document_type=document_type,
            if_match=if_match,
            background=background,
        )

    async def send_to_approval(
        self,
        number: str,
        *,
        document_type: str = "Invoice",
        if_match: IfMatch = None,
        background: Background | None = None,
    ) -> ActionResult | BackgroundAccepted:
        return await self._action(
            number,
            "sendtoapproval",
            document_type=document_type,
            if_match=if_match,
            background=background,
        )

    async def reverse(
        self,
        number: str,
        *,
        document_type: str = "Invoice",
        if_match: IfMatch = None,
        background: Background | None = None,
    ) -> ActionResult | BackgroundAccepted:
        return await self._action(
            number, "reverse", document_type=document_type, if_match=if_match, background=background
        )

    async def correct(
        self, number: str, *, if_match: IfMatch = None, background: Background | None = None
    ) -> ActionResult | BackgroundAccepted:
        return await self._action(
            number, "correct", document_type=None, if_match=if_match, background=background
        )

    async def attach(
        self,
        number: str,
        *,
        filename: str,
        content: bytes,
        content_type: str = "application/octet-stream",
        document_type: str | None = None,
        if_match: IfMatch = None,
        background: Background | None = None,
    ) -> WriteResult | BackgroundAccepted:
        return await self._client._request(
            attach_operation(
                number,
                filename=filename,
                content=content,
                content_type=content_type,
                document_type=document_type,
                line_number=None,
                if_match=if_match,
                background=background,
            )
        )

    async def attach_to_line(
        self,
        number: str,
        *,
        line_number: int,
        filename: str,
        content: bytes,
        content_type: str = "application/octet-stream",
        document_type: str | None = None,
        if_match: IfMatch = None,
        background: Background | None = None,
    ) -> WriteResult | BackgroundAccepted:
        return await self._client._request(
            attach_operation(
                number,
                filename=filename,
                content=content,
                content_type=content_type,
                document_type=document_type,
                line_number=line_number,
                if_match=if_match,
                background=background,
            )
        )
