"""The general ledger a prebooking names: accounts (``GET /v1/account``) and subaccounts
(``GET /v1/subaccount``), and the checks a prebook runs on them."""

from __future__ import annotations

from itertools import product
from typing import TYPE_CHECKING, Any

from erpsim.call import Call
from erpsim.demo_documents import BASE_DATE, iso
from erpsim.financials.common import bad_request, listed
from erpsim.replies import Reply
from erpsim.world import ACCOUNTS, SUBACCOUNT_SEGMENTS

if TYPE_CHECKING:
    from erpsim.app import SandboxApp


class LedgerError(ValueError):
    """A prebooking names an account or subaccount that cannot take it; str() says why."""


def account_dto(number: str) -> dict[str, Any]:
    description, kind, active = ACCOUNTS[number]
    return {
        "accountID": int(number),
        "accountCD": number,
        "type": kind,
        "active": active,
        "description": description,
        "useDefaultSub": False,
        "cashAccount": number == "1920",
        "allowManualEntry": True,
        "lastModifiedDateTime": iso(BASE_DATE),
    }


def check_account(number: str) -> dict[str, Any]:
    """The account as a ``prebookAccount``; raises LedgerError when it cannot be used."""
    if number not in ACCOUNTS:
        raise LedgerError(f"Account '{number}' was not found.")
    description, kind, active = ACCOUNTS[number]
    if not active:
        raise LedgerError(f"Account '{number}' ({description}) is inactive.")
    return {"type": kind, "number": number, "description": description, "active": True}


def subaccount_number(values: dict[int, str]) -> str:
    return "-".join(values.get(segment, "0") for segment in sorted(SUBACCOUNT_SEGMENTS))


def check_subaccount(segments: list[dict[str, Any]]) -> dict[str, Any]:
    """``[{segmentId, segmentValue}]`` as a ``prebookSubaccount``; raises LedgerError."""
    values: dict[int, str] = {}
    for segment in segments:
        segment_id, value = segment["segmentId"], segment["segmentValue"]
        known = SUBACCOUNT_SEGMENTS.get(segment_id)
        if known is None:
            names = ", ".join(f"{k} ({d})" for k, (d, _v) in SUBACCOUNT_SEGMENTS.items())
            raise LedgerError(f"Subaccount segment {segment_id} does not exist. Segments: {names}.")
        if segment_id in values:
            raise LedgerError(f"Subaccount segment {segment_id} is given twice.")
        description, allowed = known
        if value not in allowed:
            raise LedgerError(
                f"The value '{value}' was not found in subaccount segment {segment_id} "
                f"({description})."
            )
        values[segment_id] = value
    return {
        "subaccountNumber": subaccount_number(values),
        "subaccountId": _subaccount_id(values),
        "active": True,
        "segments": [
            {"segmentId": segment_id, "segmentValue": value}
            for segment_id, value in sorted(values.items())
        ],
    }


def _subaccount_id(values: dict[int, str]) -> int:
    combos = list(_all_combinations())
    full = tuple(values.get(segment, "0") for segment in sorted(SUBACCOUNT_SEGMENTS))
    return combos.index(full) + 1


def _all_combinations() -> list[tuple[str, ...]]:
    return list(product(*(list(SUBACCOUNT_SEGMENTS[s][1]) for s in sorted(SUBACCOUNT_SEGMENTS))))


def subaccount_dto(combination: tuple[str, ...]) -> dict[str, Any]:
    segments = sorted(SUBACCOUNT_SEGMENTS)
    return {
        "subaccountNumber": "-".join(combination),
        "subaccountId": _all_combinations().index(combination) + 1,
        "description": " / ".join(
            SUBACCOUNT_SEGMENTS[s][1][v] for s, v in zip(segments, combination, strict=True)
        ),
        "active": True,
        "lastModifiedDateTime": iso(BASE_DATE),
        "segments": [
            {
                "segmentId": s,
                "segmentDescription": SUBACCOUNT_SEGMENTS[s][0],
                "segmentValue": v,
                "segmentValueDescription": SUBACCOUNT_SEGMENTS[s][1][v],
            }
            for s, v in zip(segments, combination, strict=True)
        ],
    }


def _active_filter(call: Call) -> bool | None:
    raw = call.arg("active")
    if raw in (None, ""):
        return None
    if raw.lower() not in ("true", "false"):
        raise bad_request(call, f"The value '{raw}' is not valid for active: use true or false.")
    return raw.lower() == "true"


def list_accounts(call: Call, app: SandboxApp) -> Reply:
    active = _active_filter(call)
    after = call.arg("greaterThanValue") or ""
    found = [
        account_dto(number)
        for number in sorted(ACCOUNTS)
        if number > after and (active is None or ACCOUNTS[number][2] == active)
    ]
    return listed(call, app.sandbox.options.max_page_size, found)


def list_subaccounts(call: Call, app: SandboxApp) -> Reply:
    active = _active_filter(call)
    found = [subaccount_dto(c) for c in _all_combinations() if active in (None, True)]
    return listed(call, app.sandbox.options.max_page_size, found)
