"""``client.context``: which company the token works on (``/resources/v1/context``).

A Visma Connect token is for one tenant, which is one ERP company, so ``get()`` expects exactly
one context (or the configured ``company_id``). It is also the cheapest health check there is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models.context import CompanyContext
from ..resources import context as ops

if TYPE_CHECKING:
    from .client import AsyncErpClient


class AsyncContext:
    def __init__(self, client: AsyncErpClient) -> None:
        self._client = client

    async def list(self) -> list[CompanyContext]:
        """Every company the token may use (one, with Visma Connect)."""
        return await self._client.request(ops.list_operation())

    async def get(self) -> CompanyContext:
        """The company for the token; its id is then sent as ``ipp-company-id``."""
        context = ops.choose(await self.list(), self._client._settings.company_id)
        self._client._learn_company(context.id)
        return context
