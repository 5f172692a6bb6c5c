"""Armed ERP errors: the next matching ERP request answers with a named error, in the shape the
real API gives it, instead of running.

For errors the demo world cannot produce from its own data: every SalesOrders v3 validation code
the spec lists (``v3:<code>``, the spec's own description as the message), and the Financials
business errors of Visma's troubleshooting articles (a VAT id that cannot be found, a number
series without manual numbering, ``overrideNumberSeries`` refused, a conflicting change). The
error guide's tests read each catalogue entry from one of these bodies. One request per arming.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from erpsim import errors
from erpsim.replies import Reply
from erpsim.salesorders.schema_check import MESSAGES


def _vat_id(value: str, guid: str) -> Reply:
    # The seed article's words: "TaxID '01' cannot be found in the system".
    text = f"TaxID '{value or '01'}' cannot be found in the system"
    return errors.ipp_exception(400, errors.visma_id_message(guid, text), guid)


def _manual_numbering(value: str, guid: str) -> Reply:
    text = (
        f"The number series '{value or 'APBILL'}' does not allow manual numbering. "
        "Turn on 'Allow manual numbering on imports' in Number series (CS201010)."
    )
    return errors.ipp_exception(400, errors.visma_id_message(guid, text), guid)


def _override_number_series(value: str, guid: str) -> Reply:
    text = (
        "overrideNumberSeries cannot be used: the number series does not allow manual numbering "
        f"on imports (reference number '{value or 'X-1'}')."
    )
    return errors.ipp_exception(400, errors.visma_id_message(guid, text), guid)


def _conflict(value: str, guid: str) -> Reply:
    text = f"The document {value or ''} is being changed by another process. Try again."
    return errors.ipp_exception(409, errors.visma_id_message(guid, text.replace("  ", " ")), guid)


FINANCIALS_ERRORS: dict[str, Callable[[str, str], Reply]] = {
    "vat_id_not_found": _vat_id,
    "manual_numbering": _manual_numbering,
    "override_number_series": _override_number_series,
    "conflict": _conflict,
}
V3_PREFIX = "v3:"


def known(name: str) -> bool:
    if name.startswith(V3_PREFIX):
        return name[len(V3_PREFIX) :] in MESSAGES
    return name in FINANCIALS_ERRORS


@dataclass(frozen=True)
class ArmedError:
    method: str
    path: str
    tenant_id: str | None
    error: str
    # The field a v3 code is about, or the value a Financials message quotes.
    property: str
    value: str

    def matches(self, method: str, path: str, tenant_id: str | None) -> bool:
        return (
            self.method == method
            and self.path == path.lower().rstrip("/")
            and (self.tenant_id is None or self.tenant_id == (tenant_id or "").lower())
        )

    def reply(self, guid: str, trace_id: str) -> Reply:
        if self.error.startswith(V3_PREFIX):
            code = self.error[len(V3_PREFIX) :]
            detail = {
                "code": code,
                "message": MESSAGES[code],
                "parameters": {"property": self.property or "$"},
            }
            if self.value:
                detail["parameters"]["value"] = self.value
            return errors.validation_problem([detail], trace_id)
        return FINANCIALS_ERRORS[self.error](self.value, guid)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class ArmedErrors:
    def __init__(self) -> None:
        self._armed: list[ArmedError] = []
        self._lock = threading.Lock()

    def arm(self, armed: ArmedError) -> None:
        with self._lock:
            self._armed.append(armed)

    def take(self, method: str, path: str, tenant_id: str | None) -> ArmedError | None:
        """The first armed error for this request, disarmed."""
        if not self._armed:
            return None  # the usual case, without taking the lock on every ERP call
        with self._lock:
            for index, armed in enumerate(self._armed):
                if armed.matches(method, path, tenant_id):
                    return self._armed.pop(index)
        return None

    def armed(self) -> list[dict[str, Any]]:
        with self._lock:
            return [armed.as_dict() for armed in self._armed]

    def reset(self) -> None:
        with self._lock:
            self._armed.clear()
