"""Pages of list results, and iteration across pages.

Iterating a ``Page`` gives the items of that page only, because every further page costs a call
from the company's hourly budget; ``auto_paging_iter()`` walks on page by page, on purpose.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from .ratelimit import RateLimitInfo

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page. ``page_index`` is zero-based (the Financials API's ``pageNumber`` is
    ``page_index + 1``, available as ``page_number``)."""

    items: list[T]
    page_index: int
    page_size: int
    total_count: int | None
    has_next: bool
    ratelimit: RateLimitInfo | None
    _fetch: Callable[[int], Page[T]] | None = field(default=None, repr=False, compare=False)

    @property
    def page_number(self) -> int:
        return self.page_index + 1

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def next_page(self) -> Page[T] | None:
        if not self.has_next or self._fetch is None:
            return None
        return self._fetch(self.page_index + 1)

    def paging_with(self, fetch: Callable[[int], Page[T]]) -> Page[T]:
        """This page, able to fetch the next ones with ``fetch(page_index)``."""
        return Page(*self._fields(), fetch)

    def paging_async_with(self, fetch: Callable[[int], Awaitable[AsyncPage[T]]]) -> AsyncPage[T]:
        """This page as an ``AsyncPage`` that fetches the next ones with ``await fetch(index)``."""
        return AsyncPage(*self._fields(), fetch)

    def _fields(self) -> tuple:
        return (
            self.items,
            self.page_index,
            self.page_size,
            self.total_count,
            self.has_next,
            self.ratelimit,
        )

    def auto_paging_iter(self) -> Iterator[T]:
        page: Page[T] | None = self
        while page is not None:
            yield from page.items
            page = page.next_page()


@dataclass(frozen=True, slots=True)
class AsyncPage(Generic[T]):
    """The async twin of ``Page``."""

    items: list[T]
    page_index: int
    page_size: int
    total_count: int | None
    has_next: bool
    ratelimit: RateLimitInfo | None
    _fetch: Callable[[int], Awaitable[AsyncPage[T]]] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def page_number(self) -> int:
        return self.page_index + 1

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    async def next_page(self) -> AsyncPage[T] | None:
        if not self.has_next or self._fetch is None:
            return None
        return await self._fetch(self.page_index + 1)

    async def auto_paging_iter(self) -> AsyncIterator[T]:
        page: AsyncPage[T] | None = self
        while page is not None:
            for item in page.items:
                yield item
            page = await page.next_page()


def financials_has_next(
    count: int, page_index: int, page_size: int, max_page_size: int | None, total: int | None
) -> bool:
    """Whether a Financials list has more pages.

    The API silently caps ``pageSize`` at ``metadata.maxPageSize``, so a short page only means
    "last page" when compared with the size the API really used.
    """
    effective = min(page_size, max_page_size) if max_page_size else page_size
    if total is not None:
        return page_index * effective + count < total
    return count > 0 and count >= effective
