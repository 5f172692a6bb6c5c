"""A page of a list that can fetch the pages after it (the paging vocabulary is in
``erpclient.pagination``).

Iterating a page gives the items of that page only, because every further page costs a call
from the company's hourly budget; ``auto_paging_iter()`` walks on page by page, on purpose.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .._operation import Operation
from ..pagination import DEFAULT_PAGE_SIZE, PageData
from ..ratelimit import RateLimitInfo

if TYPE_CHECKING:
    from .client import AsyncErpClient

T = TypeVar("T")

# Builds the request for a page number (1-based); the resource fixes size and filters.
PageOperation = Callable[[int], Operation[PageData[T]]]


class AsyncPage(Generic[T]):
    """One page: ``items``, ``page_number`` (from 1), ``page_size``, ``total_count`` (when the
    service says), ``has_next`` and the ``ratelimit`` figures of its answer."""

    __slots__ = (
        "_client",
        "_operation",
        "has_next",
        "items",
        "page_number",
        "page_size",
        "ratelimit",
        "total_count",
    )

    def __init__(
        self, data: PageData[T], client: AsyncErpClient, operation: PageOperation[T]
    ) -> None:
        self.items: list[T] = data.items
        self.page_number = data.page_number
        self.page_size = data.page_size
        self.total_count = data.total_count
        self.has_next = data.has_next
        self.ratelimit: RateLimitInfo | None = data.ratelimit
        self._client = client
        self._operation = operation

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(page_number={self.page_number}, items={len(self.items)}, "
            f"total_count={self.total_count}, has_next={self.has_next})"
        )

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    async def next_page(self) -> AsyncPage[T] | None:
        """The page after this one (one call), or ``None`` after the last."""
        if not self.has_next:
            return None
        return await fetch_page(self._client, self._operation, self.page_number + 1)

    async def auto_paging_iter(self) -> AsyncIterator[T]:
        """This page's items, then every later page's, fetching each as it is reached."""
        page: AsyncPage[T] | None = self
        while page is not None:
            for item in page.items:
                yield item
            page = await page.next_page()


async def fetch_page(
    client: AsyncErpClient, operation: PageOperation[T], page_number: int
) -> AsyncPage[T]:
    data = await client.request(operation(page_number))
    return AsyncPage(data, client, operation)


class AsyncListing(Generic[T]):
    """``list()`` for a resource: every item its ``page()`` would find, page after page."""

    async def page(self, *args: Any, page_number: int = 1, **kwargs: Any) -> AsyncPage[T]:
        raise NotImplementedError

    async def list(
        self, *args: Any, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any
    ) -> AsyncIterator[T]:
        """Every item that matches, fetching each page when the one before is used up; the
        filters are those of ``page()``."""
        first = await self.page(*args, page_size=page_size, **filters)
        async for item in first.auto_paging_iter():
            yield item
