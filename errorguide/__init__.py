"""The ERP error guide: from an error the ERP gave to what it means, who must act, which screen to
open and what to tell the customer.

Framework-free (no Django, nothing of the portal): the tenants and operations apps, the job pages
and the API console all read errors through ``explain``. The catalogue and its data live in
``errorguide.catalogue`` and ``errorguide.v3_codes``; docs/errorguide.md lists every entry.
"""

from .catalogue import CATALOGUE, Entry
from .explain import Explanation, Reading, explain, explain_background_failure
from .owners import Owner
from .screens import Screen

__all__ = [
    "CATALOGUE",
    "Entry",
    "Explanation",
    "Owner",
    "Reading",
    "Screen",
    "explain",
    "explain_background_failure",
]
