"""Context: the company a Visma Connect token works on (``/resources/v1/context``)."""

from __future__ import annotations

from ._base import ErpModel, erp_model, spec


@erp_model
class CompanyContext(ErpModel):
    """``ContextInformation``: one company the token may use. With a Visma Connect token there is
    exactly one."""

    id: int | None = spec()
    name: str | None = spec()
    type: str | None = spec()
