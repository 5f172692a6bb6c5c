"""Supplier invoices: PUT with If-Match, the actions and attachments, and what they change."""

from __future__ import annotations

import pytest

from .helpers import HEALTHY, erp


@pytest.fixture
def client(sandbox):
    with erp(sandbox) as http:
        yield http


def first(client, **params):
    found = client.get("/v1/supplierInvoice", params={"pageSize": 100, **params}).json()
    assert found, params
    return found[0]


def path_of(invoice):
    return f"/v1/supplierInvoice/{invoice['documentType']}/{invoice['referenceNumber']}"


def reread(client, invoice):
    return client.get(path_of(invoice)).json()


def test_put_with_matching_if_match_answers_204_and_a_new_etag(client):
    invoice = first(client, status="Balanced")
    response = client.put(
        path_of(invoice),
        json={"description": {"value": "Nytt kontorrekvisita"}},
        headers={"If-Match": f'"{invoice["timeStamp"]}"'},
    )

    assert response.status_code == 204
    after = client.get(path_of(invoice))
    assert after.json()["description"] == "Nytt kontorrekvisita"
    assert response.headers["ETag"] == after.headers["ETag"]
    assert after.json()["timeStamp"] != invoice["timeStamp"]


def test_put_after_someone_else_changed_it_is_412_and_changes_nothing(client, sandbox):
    invoice = first(client, status="Balanced")
    sandbox.control(
        "POST",
        f"/_sandbox/tenants/{HEALTHY['tenant_id']}/supplier-invoices/"
        f"{invoice['documentType']}/{invoice['referenceNumber']}/touch",
    )
    response = client.put(
        path_of(invoice),
        json={"description": {"value": "mine"}},
        headers={"If-Match": invoice["timeStamp"]},
    )

    assert response.status_code == 412
    assert response.json()["ExceptionType"] == "IPPException"
    assert reread(client, invoice)["description"] != "mine"


@pytest.mark.parametrize(
    "body",
    [
        {"description": "not wrapped"},
        {"descriptionn": {"value": "typo"}},
        {"dueDate": {"value": "31.12.2026"}},
        {"hold": {"value": "yes"}},
        ["not", "an", "object"],
    ],
)
def test_put_with_bad_body_is_400_and_changes_nothing(client, body):
    invoice = first(client, status="Balanced")
    response = client.put(path_of(invoice), json=body)

    assert response.status_code == 400
    assert response.json()["ExceptionMessage"]
    assert reread(client, invoice)["timeStamp"] == invoice["timeStamp"]


def test_put_needs_json(client):
    invoice = first(client, status="Balanced")
    response = client.put(path_of(invoice), content=b"<xml/>", headers={"Content-Type": "text/xml"})

    assert response.status_code == 415


def test_release_opens_a_balanced_invoice(client):
    invoice = first(client, status="Balanced", documentType="Invoice")
    response = client.post(f"{path_of(invoice)}/action/release")
    after = reread(client, invoice)

    assert response.status_code == 200
    assert response.json()["actionResult"] == "Done"
    assert after["status"] == "Open"
    assert after["balance"] == after["amount"]
    assert after["timeStamp"] != invoice["timeStamp"]


def test_release_by_number_alone(client):
    invoice = first(client, status="Balanced", documentType="Invoice")
    response = client.post(f"/v1/supplierInvoice/{invoice['referenceNumber']}/action/release")

    assert response.status_code == 200
    assert reread(client, invoice)["status"] == "Open"


def test_release_of_a_released_document_is_refused(client):
    invoice = first(client, status="Closed")
    response = client.post(f"{path_of(invoice)}/action/release")

    assert response.status_code == 400
    assert "already released" in response.json()["ExceptionMessage"]
    assert reread(client, invoice)["timeStamp"] == invoice["timeStamp"]


def test_prebook_with_its_body_sets_the_prebook_account(client):
    invoice = first(client, status="Balanced", documentType="Invoice")
    response = client.post(
        f"{path_of(invoice)}/action/prebook",
        json={
            "accountNumber": {"value": "2990"},
            "subaccount": [{"segmentId": 1, "segmentValue": "0"}],
        },
    )
    after = client.get(path_of(invoice), params={"expandLinePrebookAccounts": "true"}).json()

    assert response.status_code == 200
    assert after["status"] == "Prebooked"
    assert after["invoiceLines"][0]["prebookAccount"]["number"] == "2990"


@pytest.mark.parametrize(
    "body",
    [
        {"accountNumber": "2990"},
        {"accountNumber": {"value": "0000"}},
        {"account": {"value": "2990"}},
    ],
)
def test_prebook_with_a_bad_body_is_refused(client, body):
    invoice = first(client, status="Balanced", documentType="Invoice")
    response = client.post(f"{path_of(invoice)}/action/prebook", json=body)

    assert response.status_code == 400
    assert reread(client, invoice)["status"] == "Balanced"


def test_void_a_prebooked_invoice(client):
    invoice = first(client, status="Prebooked")
    response = client.post(f"{path_of(invoice)}/action/voidinvoice")

    assert response.status_code == 200
    assert reread(client, invoice)["status"] == "Voided"


def test_void_of_a_released_invoice_is_refused(client):
    invoice = first(client, status="Open")
    response = client.post(f"{path_of(invoice)}/action/voidinvoice")

    assert response.status_code == 400
    assert "reverse" in response.json()["ExceptionMessage"]


def test_send_to_approval(client):
    invoice = next(
        i
        for i in client.get(
            "/v1/supplierInvoice", params={"status": "Balanced", "pageSize": 100}
        ).json()
        if i["approvalStatus"] == "New"
    )
    response = client.post(f"{path_of(invoice)}/action/sendtoapproval")
    again = client.post(f"{path_of(invoice)}/action/sendtoapproval")

    assert response.status_code == 200
    assert reread(client, invoice)["approvalStatus"] == "SentToApproval"
    assert again.status_code == 400


def test_reverse_creates_a_debit_adjustment(client):
    invoice = first(client, status="Open", documentType="Invoice")
    response = client.post(f"{path_of(invoice)}/action/reverse")

    assert response.status_code == 200
    new_number = response.json()["referenceNumber"]
    reversal = client.get(f"/v1/supplierInvoice/DebitAdj/{new_number}")
    assert reversal.status_code == 200
    assert reversal.json()["amount"] == invoice["amount"]
    assert reversal.json()["status"] == "Balanced"
    assert response.headers["ETag"] == client.get(path_of(invoice)).headers["ETag"]


def test_correct_closes_the_original_and_opens_a_new_reference(client):
    invoice = next(
        i
        for i in client.get(
            "/v1/supplierInvoice",
            params={"status": "Open", "documentType": "Invoice", "pageSize": 100},
        ).json()
        if i["balance"] == i["amount"]
    )
    response = client.post(f"/v1/supplierInvoice/{invoice['referenceNumber']}/action/correct")

    assert response.status_code == 200
    corrected = client.get(f"/v1/supplierInvoice/Invoice/{response.json()['refNbr']}").json()
    assert corrected["status"] == "Hold"
    assert corrected["amount"] == invoice["amount"]
    assert reread(client, invoice)["status"] == "Closed"


def test_attachment_upload_and_a_new_revision_for_the_same_name(client):
    invoice = first(client, status="Open")
    kind, number = invoice["documentType"], invoice["referenceNumber"]
    url = f"/v1/supplierInvoice/documentType/{kind}/{number}/attachment"
    first_upload = client.post(
        url, files={"file": ("faktura.pdf", b"%PDF-1.4 one", "application/pdf")}
    )
    second_upload = client.post(
        url, files={"file": ("faktura.pdf", b"%PDF-1.4 two", "application/pdf")}
    )
    after = reread(client, invoice)

    assert first_upload.status_code == second_upload.status_code == 201
    assert first_upload.headers["ETag"] != second_upload.headers["ETag"]
    assert after["attachments"] == [
        {"name": "faktura.pdf", "id": first_upload.json()["id"], "revision": 2}
    ]


def test_line_attachment(client):
    invoice = first(client, status="Open")
    response = client.post(
        f"/v1/supplierInvoice/{invoice['referenceNumber']}/1/attachment",
        files={"file": ("kvittering.png", b"\x89PNG", "image/png")},
    )

    assert response.status_code == 201
    assert reread(client, invoice)["invoiceLines"][0]["attachments"][0]["name"] == "kvittering.png"


def test_attachment_must_be_multipart_with_a_file(client):
    invoice = first(client, status="Open")
    url = f"/v1/supplierInvoice/{invoice['referenceNumber']}/attachment"
    as_json = client.post(url, json={"file": "x"})
    no_file = client.post(url, data={"note": "no file here"}, files={})
    no_file_multipart = client.post(url, files={"note": (None, "just a field")})

    assert as_json.status_code == 415
    assert no_file.status_code in (400, 415)
    assert no_file_multipart.status_code == 400
    assert reread(client, invoice)["timeStamp"] == invoice["timeStamp"]


def test_if_match_on_an_action_is_ignored_without_the_background_header(client):
    invoice = first(client, status="Balanced", documentType="Invoice")
    response = client.post(f"{path_of(invoice)}/action/release", headers={"If-Match": '"stale"'})

    assert response.status_code == 200
    assert reread(client, invoice)["status"] == "Open"


def test_prebook_accounts_stay_hidden_without_the_expand_after_release(client):
    invoice = first(client, status="Balanced", documentType="Invoice")
    client.post(f"{path_of(invoice)}/action/prebook", json={"accountNumber": {"value": "2990"}})
    client.post(f"{path_of(invoice)}/action/release")
    plain = reread(client, invoice)
    listed = client.get("/v1/supplierInvoice", params={"status": "Open", "pageSize": 100}).json()

    assert plain["status"] == "Open"
    assert "prebookAccount" not in plain["invoiceLines"][0]
    mine = next(i for i in listed if i["referenceNumber"] == invoice["referenceNumber"])
    assert "prebookAccount" not in mine["invoiceLines"][0]
