"""Supplier payments: list with filters and paging, GET with ETag, PUT with If-Match, release
(synchronously and through the Background API), and the demo payments of every company."""

from __future__ import annotations

import httpx
import pytest

from erpsim.world import DEMO_TENANTS

from .conftest import BACKGROUND_DELAY
from .helpers import HEALTHY, erp

DELAY = BACKGROUND_DELAY


@pytest.fixture
def client(sandbox):
    with erp(sandbox) as http:
        yield http


def payments(client, **params):
    return client.get("/v1/supplierPayment", params={"pageSize": 100, **params}).json()


def first(client, **params):
    return payments(client, **params)[0]


def invoice_of(client, line):
    return client.get(f"/v1/supplierInvoice/{line['docType']}/{line['invoiceRefNbr']}").json()


@pytest.mark.parametrize("tenant", [t for t in DEMO_TENANTS if t["scenario"] == "healthy"])
def test_every_healthy_company_has_payments_in_every_useful_state(sandbox, tenant):
    with erp(sandbox, tenant_id=tenant["tenant_id"]) as http:
        found = payments(http)

    kinds = {(p["type"], p["status"]) for p in found}
    assert {("Payment", "Balanced"), ("Payment", "Hold"), ("Payment", "Open")} <= kinds
    assert {("Payment", "Closed"), ("Prepayment", "Balanced"), ("Payment", "Voided")} <= kinds
    assert all(p["timeStamp"] and p["metadata"]["totalCount"] == len(found) for p in found)


def test_an_unreleased_payment_pays_open_invoices_of_its_supplier(client):
    payment = first(client, status="Balanced", paymentType="Payment")
    invoices = [invoice_of(client, line) for line in payment["paymentLines"]]

    assert payment["paymentLines"] and not payment["released"]
    assert all(i["status"] == "Open" for i in invoices)
    assert all(i["supplier"]["number"] == payment["supplier"]["number"] for i in invoices)
    assert payment["paymentAmount"] == round(
        sum(line["amountPaid"] for line in payment["paymentLines"]), 2
    )


def test_get_by_number_or_type_has_the_etag_of_its_timestamp(client):
    payment = first(client, status="Balanced")
    by_number = client.get(f"/v1/supplierPayment/{payment['refNbr']}")
    by_type = client.get(f"/v1/supplierPayment/{payment['type']}/{payment['refNbr']}")
    missing = client.get("/v1/supplierPayment/999999")

    assert by_number.headers["ETag"] == by_type.headers["ETag"] == f'"{payment["timeStamp"]}"'
    assert by_number.json()["refNbr"] == payment["refNbr"]
    assert missing.status_code == 404
    assert missing.json()["ExceptionType"] == "IPPException"


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"status": "Hold"}, lambda p: p["status"] == "Hold"),
        ({"paymentType": "Prepayment"}, lambda p: p["type"] == "Prepayment"),
        ({"balance": 0, "balanceCondition": ">"}, lambda p: p["balance"] > 0),
        (
            {"docDate": "2026-06-01", "docDateCondition": ">="},
            lambda p: p["applicationDate"] >= "2026-06-01",
        ),
    ],
)
def test_list_filters(client, params, check):
    found = payments(client, **params)

    assert found and all(check(p) for p in found)


def test_list_filters_by_supplier_and_invoice_and_pages(client):
    payment = first(client, status="Balanced")
    invoice = payment["paymentLines"][0]["invoiceRefNbr"]
    by_supplier = payments(client, supplier=payment["supplier"]["number"])
    by_invoice = payments(client, invoiceRefNbr=invoice)
    page_two = client.get("/v1/supplierPayment", params={"pageSize": 5, "pageNumber": 2}).json()

    assert payment["refNbr"] in {p["refNbr"] for p in by_supplier}
    assert [p["refNbr"] for p in by_invoice] == [payment["refNbr"]]
    assert [p["refNbr"] for p in page_two] == [p["refNbr"] for p in payments(client)[5:10]]


def test_release_applies_the_lines_and_closes_invoices_paid_in_full(client):
    payment = first(client, status="Balanced", paymentType="Payment")
    response = client.post(
        f"/v1/supplierPayment/{payment['refNbr']}/action/release",
        json={"type": {"value": "Payment"}},
    )
    after = client.get(f"/v1/supplierPayment/{payment['refNbr']}")

    assert response.status_code == 200
    assert response.json()["actionResult"] == "Done"
    assert response.headers["ETag"] == after.headers["ETag"]
    assert after.json()["status"] == "Closed" and after.json()["released"] is True
    for line in payment["paymentLines"]:
        invoice = invoice_of(client, line)
        assert invoice["status"] == "Closed" and invoice["balance"] == 0


def test_a_partial_payment_leaves_its_invoice_open_with_the_rest(client):
    partial = next(
        p
        for p in payments(client, status="Balanced")
        if p["paymentLines"]
        and p["paymentLines"][0]["amountPaid"] < invoice_of(client, p["paymentLines"][0])["amount"]
    )
    line = partial["paymentLines"][0]
    client.post(f"/v1/supplierPayment/{partial['refNbr']}/action/release")
    invoice = invoice_of(client, line)

    assert invoice["status"] == "Open"
    assert invoice["balance"] == round(invoice["amount"] - line["amountPaid"], 2)


def test_a_prepayment_released_stays_open_with_its_unapplied_balance(client):
    prepayment = first(client, status="Balanced", paymentType="Prepayment")
    client.post(
        f"/v1/supplierPayment/{prepayment['refNbr']}/action/release",
        json={"type": {"value": "Prepayment"}},
    )
    after = client.get(f"/v1/supplierPayment/Prepayment/{prepayment['refNbr']}").json()

    assert after["status"] == "Open" and after["balance"] == prepayment["paymentAmount"]


@pytest.mark.parametrize(
    ("status", "reason"),
    [("Hold", "on hold"), ("Closed", "already released"), ("Voided", "voided")],
)
def test_release_refused_in_words_and_nothing_changes(client, status, reason):
    payment = first(client, status=status)
    response = client.post(f"/v1/supplierPayment/{payment['refNbr']}/action/release")

    assert response.status_code == 400
    assert reason in response.json()["ExceptionMessage"]
    assert response.json()["ExceptionMessage"].startswith("VismaId: ")
    after = client.get(f"/v1/supplierPayment/{payment['type']}/{payment['refNbr']}").json()
    assert (after["status"], after["timeStamp"]) == (status, payment["timeStamp"])


def test_release_refused_when_an_invoice_was_paid_meanwhile(client, sandbox):
    payment = first(client, status="Balanced", paymentType="Payment")
    line = payment["paymentLines"][0]
    sandbox.control(
        "POST",
        f"/_sandbox/tenants/{HEALTHY['tenant_id']}/supplier-invoices/"
        f"{line['docType']}/{line['invoiceRefNbr']}/touch",
        {"status": "Closed"},
    )
    response = client.post(f"/v1/supplierPayment/{payment['refNbr']}/action/release")

    assert response.status_code == 400
    assert "not open" in response.json()["ExceptionMessage"]
    assert client.get(f"/v1/supplierPayment/{payment['refNbr']}").json()["status"] == "Balanced"


def test_put_with_if_match_changes_the_header_and_gives_a_new_etag(client):
    payment = first(client, status="Balanced")
    path = f"/v1/supplierPayment/{payment['refNbr']}"
    ok = client.put(
        path,
        json={"description": {"value": "Betaling mars"}, "paymentRef": {"value": "KID-1"}},
        headers={"If-Match": f'"{payment["timeStamp"]}"'},
    )
    stale = client.put(
        path,
        json={"description": {"value": "Overwrite"}},
        headers={"If-Match": f'"{payment["timeStamp"]}"'},
    )
    after = client.get(path)

    assert ok.status_code == 204 and ok.headers["ETag"] == after.headers["ETag"]
    assert stale.status_code == 412
    assert "Supplier payment version" in stale.json()["ExceptionMessage"]
    assert after.json()["description"] == "Betaling mars" and after.json()["paymentRef"] == "KID-1"


def test_put_hold_moves_a_balanced_payment_to_hold_and_back(client):
    payment = first(client, status="Balanced")
    path = f"/v1/supplierPayment/{payment['refNbr']}"
    client.put(path, json={"hold": {"value": True}})
    held = client.get(path).json()
    client.put(path, json={"hold": {"value": False}})

    assert (held["status"], held["hold"]) == ("Hold", True)
    assert client.get(path).json()["status"] == "Balanced"


@pytest.mark.parametrize(
    "body",
    [
        {"description": "unwrapped"},
        {"description": {"value": "d" * 51}},
        {"hold": {"value": "yes"}},
        {"applicationDate": {"value": "31.12.2026"}},
        {"type": {"value": "Cheque"}},
        {"colour": {"value": "red"}},
        {"paymentLines": {"operation": "Insert"}},
    ],
)
def test_bad_put_is_refused_and_changes_nothing(client, body):
    payment = first(client, status="Balanced")
    response = client.put(f"/v1/supplierPayment/{payment['refNbr']}", json=body)

    assert response.status_code == 400
    assert first(client, status="Balanced")["timeStamp"] == payment["timeStamp"]


def test_a_released_payment_cannot_be_changed(client):
    payment = first(client, status="Closed")
    response = client.put(
        f"/v1/supplierPayment/{payment['refNbr']}", json={"description": {"value": "x"}}
    )

    assert response.status_code == 400
    assert "cannot be changed" in response.json()["ExceptionMessage"]


# -- through the Background API ------------------------------------------------------------------


@pytest.fixture
def background(slow_sandbox):
    with erp(slow_sandbox) as http:
        yield slow_sandbox, http


def test_release_in_the_background_checks_if_match_when_it_runs(background):
    server, client = background
    payment = first(client, status="Balanced", paymentType="Payment")
    path = f"/v1/supplierPayment/{payment['refNbr']}/action/release"
    stale = client.post(
        path, headers={"erp-api-background": "none", "If-Match": '"AAAAAAAAAAE="'}
    ).json()
    server.control("POST", "/_sandbox/clock", {"advance_seconds": DELAY})
    failed = client.get(stale["stateLocation"]).json()
    current = client.post(
        path,
        headers={"erp-api-background": "none", "If-Match": f'"{payment["timeStamp"]}"'},
    ).json()
    server.control("POST", "/_sandbox/clock", {"advance_seconds": DELAY})
    finished = client.get(current["stateLocation"]).json()

    assert (failed["status"], failed["statusCode"]) == ("Failed", 412)
    assert "Supplier payment version" in failed["errorMessage"]
    assert (finished["status"], finished["statusCode"]) == ("Finished", 200)
    assert finished["responseHeaders"]["ETag"]
    assert client.get(f"/v1/supplierPayment/{payment['refNbr']}").json()["status"] == "Closed"


def test_a_synchronous_release_ignores_if_match(client):
    payment = first(client, status="Balanced", paymentType="Payment")
    response = client.post(
        f"/v1/supplierPayment/{payment['refNbr']}/action/release",
        headers={"If-Match": '"AAAAAAAAAAE="'},
    )

    assert response.status_code == 200


def test_a_payment_touched_by_someone_else_gets_412_on_a_stale_put(client, sandbox):
    payment = first(client, status="Balanced")
    touched = sandbox.control(
        "POST",
        f"/_sandbox/tenants/{HEALTHY['tenant_id']}/supplier-payments/"
        f"{payment['type']}/{payment['refNbr']}/touch",
        {"description": "Endret av regnskap", "paymentRef": "KID-9"},
    )
    stale = client.put(
        f"/v1/supplierPayment/{payment['refNbr']}",
        json={"description": {"value": "mine"}},
        headers={"If-Match": f'"{payment["timeStamp"]}"'},
    )
    now = client.get(f"/v1/supplierPayment/{payment['refNbr']}").json()

    assert touched["previous_timeStamp"] == payment["timeStamp"] != touched["timeStamp"]
    assert stale.status_code == 412
    assert (now["description"], now["paymentRef"]) == ("Endret av regnskap", "KID-9")


def test_release_body_must_name_a_payment_type(client):
    payment = first(client, status="Balanced")
    wrong = client.post(
        f"/v1/supplierPayment/{payment['refNbr']}/action/release",
        json={"type": {"value": "Cheque"}},
    )
    text = httpx.post(
        f"{client.base_url}/v1/supplierPayment/{payment['refNbr']}/action/release",
        content=b"Payment",
        headers={**client.headers, "Content-Type": "text/plain"},
    )

    assert wrong.status_code == 400 and text.status_code == 415
    assert first(client, status="Balanced")["refNbr"] == payment["refNbr"]
