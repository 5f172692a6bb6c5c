"""Every supplier invoice action through the Background API in subscription mode, If-Match only
with erp-api-background, ERP-style refusals, the ledger a prebook names, attachment limits,
"someone else" changing named fields, and the background delay changed at run time.

The module's sandbox has a background delay of a minute: nothing runs until a test moves the
virtual clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from erpsim.testing import SandboxServer

from .conftest import BACKGROUND_DELAY
from .helpers import HEALTHY, TEST_CLIENT, WebhookReceiver, erp

DELAY = BACKGROUND_DELAY
KEY = "subscription-key-actions"


@dataclass(frozen=True)
class Action:
    name: str
    status: str  # a document in this status takes the action
    suffix: str  # the path after /v1/supplierInvoice/Invoice/<n>, or after /<n> when by_number
    body: Any = None
    files: Any = None
    by_number: bool = False
    approval: str | None = None
    expect: str = ""  # the status afterwards ("" = approval status check)

    def path(self, number: str) -> str:
        if self.suffix.endswith("attachment"):
            return f"/v1/supplierInvoice/documentType/Invoice/{number}/{self.suffix}"
        if self.by_number:
            return f"/v1/supplierInvoice/{number}/{self.suffix}"
        return f"/v1/supplierInvoice/Invoice/{number}/{self.suffix}"

    def send(self, client: httpx.Client, number: str, headers: dict[str, str]) -> httpx.Response:
        if self.files is not None:
            return client.post(self.path(number), files=self.files, headers=headers)
        return client.post(self.path(number), json=self.body, headers=headers)


PDF = {"file": ("faktura.pdf", b"%PDF-1.4 sandbox", "application/pdf")}
ACTIONS = [
    Action("release", "Balanced", "action/release", expect="Open"),
    Action(
        "prebook",
        "Balanced",
        "action/prebook",
        body={
            "accountNumber": {"value": "6800"},
            "subaccount": [{"segmentId": 1, "segmentValue": "100"}],
        },
        expect="Prebooked",
    ),
    Action("void", "Balanced", "action/voidinvoice", expect="Voided"),
    Action("send to approval", "Hold", "action/sendtoapproval", approval="New"),
    Action("reverse", "Open", "action/reverse", expect="Open"),
    Action("correct", "Open", "action/correct", by_number=True, expect="Closed"),
    Action("attach", "Open", "attachment", files=PDF, expect="Open"),
    Action("attach to a line", "Open", "1/attachment", files=PDF, expect="Open"),
]


def candidate(client: httpx.Client, action: Action) -> dict[str, Any]:
    found = client.get(
        "/v1/supplierInvoice",
        params={"status": action.status, "documentType": "Invoice", "pageSize": 100},
    ).json()
    return next(
        i
        for i in found
        if (action.approval is None or i["approvalStatus"] == action.approval)
        and (action.name != "correct" or i["balance"] == i["amount"])
        and i["approvalStatus"] not in ("SentToApproval", "InProgressApproval")
    )


@pytest.fixture
def server(slow_sandbox):
    return slow_sandbox


@pytest.fixture
def client(server):
    with erp(server) as http:
        yield http


def run_due(server: SandboxServer) -> None:
    server.control("POST", "/_sandbox/clock", {"advance_seconds": DELAY})


def reread(client: httpx.Client, invoice: dict[str, Any]) -> dict[str, Any]:
    return client.get(f"/v1/supplierInvoice/Invoice/{invoice['referenceNumber']}").json()


@pytest.mark.parametrize("action", ACTIONS, ids=[a.name for a in ACTIONS])
def test_every_action_runs_in_subscription_mode_with_the_job_header(server, client, action):
    invoice = candidate(client, action)
    with WebhookReceiver() as receiver:
        server.control(
            "POST",
            "/_sandbox/clients",
            {
                **{k: TEST_CLIENT[k] for k in ("client_id", "client_secret", "type", "scopes")},
                "webhook_url": receiver.url,
                "webhook_secret": KEY,
            },
        )
        accepted = action.send(
            client,
            invoice["referenceNumber"],
            {
                "erp-api-background": "subscription:x-job-id=job-42,x-portal=isv",
                "If-Match": f'"{invoice["timeStamp"]}"',
            },
        )
        before = reread(client, invoice)
        run_due(server)

    assert accepted.status_code == 202
    assert before["timeStamp"] == invoice["timeStamp"]  # nothing ran before the delay
    [delivery] = receiver.received
    payload = json.loads(delivery["body"])
    headers = {k.lower(): v for k, v in delivery["headers"].items()}
    assert headers["x-job-id"] == "job-42" and headers["x-portal"] == "isv"
    assert (
        headers["x-vwd-signature-v1"]
        == base64.b64encode(
            hmac.new(KEY.encode(), delivery["body"], hashlib.sha256).digest()
        ).decode()
    )
    assert payload["eventId"] == "BACKGROUND_API_RESPONSE" and payload["action"] == "Finished"
    state = client.get(accepted.json()["stateLocation"]).json()
    after = reread(client, invoice)
    assert state["statusCode"] in (200, 201)
    assert state["responseHeaders"]["ETag"] == f'"{after["timeStamp"]}"'
    assert after["timeStamp"] != invoice["timeStamp"]
    if action.expect:
        assert after["status"] == action.expect
    else:
        assert after["approvalStatus"] == "SentToApproval"


@pytest.mark.parametrize("action", ACTIONS, ids=[a.name for a in ACTIONS])
def test_if_match_is_checked_only_through_the_background_api(server, client, action):
    stale = {"If-Match": '"AAAAAAAAAAE="'}
    queued_invoice = candidate(client, action)
    queued = action.send(
        client, queued_invoice["referenceNumber"], {**stale, "erp-api-background": "none"}
    )
    run_due(server)
    failed = client.get(queued.json()["stateLocation"]).json()
    unchanged = reread(client, queued_invoice)
    direct = action.send(client, candidate(client, action)["referenceNumber"], stale)

    assert (failed["status"], failed["statusCode"]) == ("Failed", 412)
    assert "does not match with If-Match" in failed["errorMessage"]
    assert unchanged["timeStamp"] == queued_invoice["timeStamp"]
    assert direct.status_code in (200, 201)


@pytest.mark.parametrize(
    ("status", "suffix", "reason"),
    [
        ("Hold", "action/release", "on hold"),
        ("Closed", "action/release", "already released"),
        ("Closed", "action/voidinvoice", "reverse it instead"),
        ("Balanced", "action/reverse", "Only released documents"),
        ("Open", "action/prebook", "Only balanced documents"),
    ],
)
def test_a_refused_action_gives_the_erp_reason_directly_and_in_the_background(
    server, client, status, suffix, reason
):
    invoice = client.get(
        "/v1/supplierInvoice",
        params={"status": status, "documentType": "Invoice", "pageSize": 1},
    ).json()[0]
    path = f"/v1/supplierInvoice/Invoice/{invoice['referenceNumber']}/{suffix}"
    body = {"accountNumber": {"value": "6800"}} if suffix.endswith("prebook") else None
    direct = client.post(path, json=body)
    queued = client.post(path, json=body, headers={"erp-api-background": "none"}).json()
    run_due(server)
    state = client.get(queued["stateLocation"]).json()

    assert direct.status_code == 400
    assert direct.json()["ExceptionMessage"].startswith("VismaId: ")
    assert reason in direct.json()["ExceptionMessage"]
    assert (state["status"], state["statusCode"]) == ("Failed", 400)
    assert reason in state["errorMessage"]
    assert reread(client, invoice)["timeStamp"] == invoice["timeStamp"]


@pytest.mark.parametrize(
    ("prebooking", "words"),
    [
        ({"accountNumber": {"value": "9999"}}, "Account '9999' was not found."),
        ({"accountNumber": {"value": "6999"}}, "is inactive"),
        (
            {
                "accountNumber": {"value": "6800"},
                "subaccount": [{"segmentId": 3, "segmentValue": "1"}],
            },
            "Subaccount segment 3 does not exist",
        ),
        (
            {
                "accountNumber": {"value": "6800"},
                "subaccount": [{"segmentId": 1, "segmentValue": "999"}],
            },
            "The value '999' was not found in subaccount segment 1 (Avdeling).",
        ),
        (
            {
                "accountNumber": {"value": "6800"},
                "subaccount": [
                    {"segmentId": 1, "segmentValue": "100"},
                    {"segmentId": 1, "segmentValue": "200"},
                ],
            },
            "given twice",
        ),
    ],
)
def test_a_prebook_naming_a_missing_account_or_subaccount_is_refused(client, prebooking, words):
    invoice = candidate(client, ACTIONS[1])
    response = client.post(
        f"/v1/supplierInvoice/Invoice/{invoice['referenceNumber']}/action/prebook",
        json=prebooking,
    )

    assert response.status_code == 400
    assert words in response.json()["ExceptionMessage"]
    assert reread(client, invoice)["status"] == "Balanced"


def test_a_prebook_sets_the_account_and_the_full_subaccount_on_every_line(client):
    invoice = candidate(client, ACTIONS[1])
    path = f"/v1/supplierInvoice/Invoice/{invoice['referenceNumber']}"
    client.post(
        f"{path}/action/prebook",
        json={
            "accountNumber": {"value": "6800"},
            "subaccount": [{"segmentId": 2, "segmentValue": "20"}],
        },
    )
    lines = client.get(path, params={"expandLinePrebookAccounts": "true"}).json()["invoiceLines"]
    subaccounts = {s["subaccountNumber"] for s in client.get("/v1/subaccount").json()}

    assert {line["prebookAccount"]["number"] for line in lines} == {"6800"}
    assert {line["prebookSubaccount"]["subaccountNumber"] for line in lines} == {"0-20"}
    assert "0-20" in subaccounts


def test_accounts_and_subaccounts_can_be_listed_for_a_prebook_form(client):
    accounts = client.get("/v1/account", params={"active": "true"}).json()
    subaccounts = client.get("/v1/subaccount").json()

    assert "6999" not in {a["accountCD"] for a in accounts}
    assert {"2990", "6800"} <= {a["accountCD"] for a in accounts}
    assert len(subaccounts) == subaccounts[0]["metadata"]["totalCount"] == 12
    assert {s["segmentDescription"] for s in subaccounts[0]["segments"]} == {"Avdeling", "Prosjekt"}


# -- attachments ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["virus.exe", "notes", "image.svg"])
def test_an_attachment_of_a_type_the_erp_refuses(client, name):
    invoice = candidate(client, ACTIONS[6])
    response = client.post(
        f"/v1/supplierInvoice/{invoice['referenceNumber']}/attachment",
        files={"file": (name, b"data", "application/octet-stream")},
    )

    assert response.status_code == 400
    assert "not allowed" in response.json()["ExceptionMessage"]
    assert "pdf" in response.json()["ExceptionMessage"]
    assert reread(client, invoice)["attachments"] == invoice.get("attachments", [])


def test_an_attachment_over_the_size_limit_is_413_and_changes_nothing():
    with (
        SandboxServer(world="demo", seed=1, max_attachment_bytes=1000) as small,
        erp(small) as http,
    ):
        invoice = candidate(http, ACTIONS[6])
        path = f"/v1/supplierInvoice/{invoice['referenceNumber']}/attachment"
        fits = http.post(path, files={"file": ("ok.pdf", b"x" * 1000, "application/pdf")})
        over = http.post(path, files={"file": ("big.pdf", b"x" * 1001, "application/pdf")})
        way_over = http.post(path, files={"file": ("huge.pdf", b"x" * 200_000, "application/pdf")})
        names = [a["name"] for a in reread(http, invoice)["attachments"]]

    assert fits.status_code == 201
    assert over.status_code == 413 and "at most 1000 bytes" in over.json()["ExceptionMessage"]
    assert way_over.status_code == 413
    assert names == ["ok.pdf"]


def test_an_attachment_larger_than_other_bodies_may_be_fits_its_own_limit():
    with SandboxServer(world="demo", seed=1, max_body_bytes=2000) as tight, erp(tight) as http:
        invoice = candidate(http, ACTIONS[6])
        upload = http.post(
            f"/v1/supplierInvoice/{invoice['referenceNumber']}/attachment",
            files={"file": ("scan.pdf", b"x" * 50_000, "application/pdf")},
        )
        put = http.put(
            f"/v1/supplierInvoice/{invoice['referenceNumber']}",
            json={"note": {"value": "n" * 5000}},
        )

    assert upload.status_code == 201
    assert put.status_code == 413


# -- someone else changes the document -----------------------------------------------------------


def touch(server, invoice, **fields):
    return server.control(
        "POST",
        f"/_sandbox/tenants/{HEALTHY['tenant_id']}/supplier-invoices/Invoice/"
        f"{invoice['referenceNumber']}/touch",
        fields,
    )


def test_touch_sets_named_fields_and_moves_the_version(server, client):
    invoice = candidate(client, ACTIONS[0])
    touched = touch(
        server,
        invoice,
        description="Endret av økonomi",
        dueDate="2026-08-15",
        status="Hold",
        supplierReference="F-999",
    )
    after = reread(client, invoice)

    assert touched["previous_timeStamp"] == invoice["timeStamp"]
    assert touched["timeStamp"] == after["timeStamp"] != invoice["timeStamp"]
    assert after["description"] == "Endret av økonomi"
    assert after["dueDate"] == "2026-08-15T00:00:00Z"
    assert (after["status"], after["hold"]) == ("Hold", True)
    assert after["supplierReference"] == "F-999"
    assert after["documentVersionNumber"] == invoice["documentVersionNumber"] + 1


def test_touch_then_a_stale_put_is_412_and_the_other_change_survives(server, client):
    invoice = candidate(client, ACTIONS[0])
    touch(server, invoice, description="Deres endring")
    stale = client.put(
        f"/v1/supplierInvoice/Invoice/{invoice['referenceNumber']}",
        json={"description": {"value": "Min endring"}},
        headers={"If-Match": f'"{invoice["timeStamp"]}"'},
    )

    assert stale.status_code == 412
    assert reread(client, invoice)["description"] == "Deres endring"


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "Paid"},
        {"dueDate": "next week"},
        {"description": 5},
        {"approvalStatus": "Maybe"},
        {"colour": "red"},
    ],
)
def test_touch_with_bad_fields_changes_nothing(server, client, fields):
    invoice = candidate(client, ACTIONS[0])
    response = httpx.post(
        f"{server.url}/_sandbox/tenants/{HEALTHY['tenant_id']}/supplier-invoices/Invoice/"
        f"{invoice['referenceNumber']}/touch",
        json=fields,
    )

    assert response.status_code == 400 and response.json()["error"]
    assert reread(client, invoice)["timeStamp"] == invoice["timeStamp"]


# -- the background delay at run time ------------------------------------------------------------


def test_the_background_delay_can_be_changed_at_run_time_and_reset_restores_it(server, client):
    before = server.control("GET", "/_sandbox/settings")
    changed = server.control("POST", "/_sandbox/settings", {"background_delay": 5})
    accepted = client.get("/resources/v1/context", headers={"erp-api-background": "none"}).json()
    server.control("POST", "/_sandbox/clock", {"advance_seconds": 5})
    state = client.get(accepted["stateLocation"]).json()
    server.reset()

    assert before == {"background_delay": DELAY}
    assert changed == {"background_delay": 5}
    assert state["status"] == "Finished"
    assert server.control("GET", "/_sandbox/settings") == {"background_delay": DELAY}


@pytest.mark.parametrize("value", [-1, "soon", True, 100_000])
def test_a_bad_background_delay_is_refused(server, value):
    response = httpx.post(f"{server.url}/_sandbox/settings", json={"background_delay": value})

    assert response.status_code == 400
    assert server.control("GET", "/_sandbox/settings") == {"background_delay": DELAY}
