"""What the Financials document resources share (supplier invoices and supplier payments): the
options every write takes, the request of a write (its ``If-Match`` and ``Background`` mode), the
readers of a write's and an action's answer, the paged list and the date filters."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypedDict, TypeVar

from .._operation import FileUpload, Operation
from .._reply import Reply
from ..background import Background
from ..config import Service
from ..etag import HasEtag
from ..filters import When
from ..models.background import BackgroundAccepted
from ..models.supplier_invoices import ActionResult, WriteResult
from ..pagination import PageData, Readable, financials_paging, read_financials_page
from ._common import if_match_header, json_object, parse_accepted

T = TypeVar("T")

IfMatch = str | HasEtag | None


class WriteOptions(TypedDict, total=False):
    """What every write takes: ``if_match``, the ETag the user saw (a string, or the document you
    read), and ``background``, a ``Background`` mode (the ERP queues the write and the call
    returns ``BackgroundAccepted``)."""

    if_match: IfMatch
    background: Background | None


def document_reader(model: Any) -> Callable[[Reply], Any]:
    """Reads one document of ``model``, its version from the ``ETag`` header."""

    def read(reply: Reply) -> Any:
        return model.from_dict(
            json_object(reply), ratelimit=reply.ratelimit, etag_header=reply.headers.get("etag")
        )

    return read


def read_write(reply: Reply) -> WriteResult | BackgroundAccepted:
    if reply.status_code == 202:
        return parse_accepted(reply)
    return WriteResult.from_dict(
        {},
        ratelimit=reply.ratelimit,
        status=reply.status_code,
        location=reply.headers.get("location"),
        etag_header=reply.headers.get("etag"),
    )


def read_action(reply: Reply) -> ActionResult | BackgroundAccepted:
    if reply.status_code == 202:
        return parse_accepted(reply)
    data = json_object(reply) if reply.content else {}
    return ActionResult.from_dict(
        data,
        ratelimit=reply.ratelimit,
        status=reply.status_code,
        etag_header=reply.headers.get("etag"),
    )


def write_operation(
    family: str,
    method: str,
    template: str,
    path: str,
    parse: Any,
    *,
    if_match: IfMatch = None,
    background: Background | None = None,
    json: Any = None,
    upload: FileUpload | None = None,
) -> Operation[Any]:
    return Operation(
        method,
        Service.ERP,
        template,
        path,
        family,
        parse,
        json=json,
        upload=upload,
        if_match=if_match_header(if_match),
        background=background,
    )


def page_operation(
    model: Readable[T],
    family: str,
    path: str,
    page_number: int,
    *,
    page_size: int,
    filters: Mapping[str, Any],
) -> Operation[PageData[T]]:
    params = {**filters, **financials_paging(page_number, page_size)}

    def read(reply: Reply) -> PageData[T]:
        return read_financials_page(reply, model, page_number, page_size)

    return Operation("GET", Service.ERP, path, path, family, read, params=params)


def dated_params(dated: Iterable[tuple[str, When | None, bool]]) -> dict[str, Any]:
    """The date filters ``(name, condition, date_only)`` as query parameters."""
    params: dict[str, Any] = {}
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
