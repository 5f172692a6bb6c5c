"""Sales order types and numbering series (Financials API): requests and readers."""

from __future__ import annotations

from .._operation import Operation
from .._reply import Reply
from ..config import Service
from ..models.order_types import NumberSequence, OrderType
from ._common import json_list

FAMILY = "ordertypes"
TYPES = "/v1/salesordertype"
SEQUENCES = "/v1/numberSequence"


def _read_types(reply: Reply) -> list[OrderType]:
    return [OrderType.from_dict(row, ratelimit=reply.ratelimit) for row in json_list(reply)]


def _read_sequences(reply: Reply) -> list[NumberSequence]:
    return [NumberSequence.from_dict(row, ratelimit=reply.ratelimit) for row in json_list(reply)]


def list_operation() -> Operation[list[OrderType]]:
    return Operation("GET", Service.ERP, TYPES, TYPES, FAMILY, _read_types)


def sequences_operation() -> Operation[list[NumberSequence]]:
    return Operation("GET", Service.ERP, SEQUENCES, SEQUENCES, FAMILY, _read_sequences)
