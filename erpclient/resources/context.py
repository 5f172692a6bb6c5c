"""Which company the token works on (``/resources/v1/context``): the request and the choice.

A Visma Connect token is for one tenant, which is one ERP company, so ``get()`` expects exactly
one context (or the configured ``company_id``). It is also the cheapest health check there is.
"""

from __future__ import annotations

from .. import errors
from .._operation import Operation
from .._reply import Reply
from ..config import Service
from ..models.context import CompanyContext
from ._common import json_list

PATH = "/resources/v1/context"
FAMILY = "context"


def _parse(reply: Reply) -> list[CompanyContext]:
    return [CompanyContext.from_dict(item, ratelimit=reply.ratelimit) for item in json_list(reply)]


def list_operation() -> Operation[list[CompanyContext]]:
    return Operation("GET", Service.ERP, PATH, PATH, FAMILY, _parse)


def choose(contexts: list[CompanyContext], company_id: str | None) -> CompanyContext:
    """The token's company: the configured one, else the only one."""
    if company_id is not None:
        for context in contexts:
            if str(context.id) == company_id:
                return context
        raise errors.CompanyContextError(
            f"the token gives no access to company {company_id}", method="GET", path=PATH
        )
    if len(contexts) == 1:
        return contexts[0]
    if not contexts:
        raise errors.CompanyContextError(
            "the token gives access to no company", method="GET", path=PATH
        )
    raise errors.CompanyContextError(
        f"the token gives access to {len(contexts)} companies; set company_id",
        method="GET",
        path=PATH,
    )
