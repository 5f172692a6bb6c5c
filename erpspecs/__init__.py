"""The real Visma specs the project ships (Financials OpenAPI 3 and SalesOrders v3), compressed
in ``erpspecs/data``, and what the API console needs from them: every operation grouped and
searchable as in Swagger UI, its parameters, and its request body checked against the schema.

Framework-free (no Django, nothing of the portal). Regenerate the data with ``python -m
erpspecs.build`` (provenance in ``erpspecs/data/SOURCES.md``).
"""

from .bodies import BodyProblem, BodyRefused, parse_body, skeleton
from .loader import (
    CONDITION_OPERATORS,
    Api,
    Group,
    OperationSpec,
    Parameter,
    Specs,
    specs,
)

__all__ = [
    "CONDITION_OPERATORS",
    "Api",
    "BodyProblem",
    "BodyRefused",
    "Group",
    "OperationSpec",
    "Parameter",
    "Specs",
    "parse_body",
    "skeleton",
    "specs",
]
