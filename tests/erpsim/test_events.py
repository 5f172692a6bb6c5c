"""Dispatcher-style ERP events: subscriptions, what fires them (API and control API changes,
pressed automation actions), thin signed payloads with the x-vwd-* headers, replays and bursts,
and the feedback endpoint."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid

import httpx
import pytest

from erpsim.events import Event

from .helpers import HEALTHY, PROD_CLIENT, TEST_CLIENT, WebhookReceiver, erp, tenant_for

KEY = "whsec-sandbox-events"
TENANT = HEALTHY["tenant_id"]
OTHER = tenant_for("healthy", 1)


@pytest.fixture
def receiver():
    with WebhookReceiver() as listening:
        yield listening


@pytest.fixture
def client(sandbox):
    with erp(sandbox) as http:
        yield http


def subscribe(sandbox, receiver, **fields):
    body = {"client_id": TEST_CLIENT["client_id"], "url": receiver.url, "key": KEY, **fields}
    return sandbox.control("POST", "/_sandbox/subscriptions", body)


def press(sandbox, event, entity_id, **fields):
    body = {"tenant_id": TENANT, "event": event, "entity_id": entity_id, **fields}
    return sandbox.control("POST", "/_sandbox/events", body)


def delivered(sandbox, receiver):
    """Every notification the receiver got, once the sandbox's queue is empty."""
    sandbox.control("POST", "/_sandbox/webhooks/flush")
    found = []
    for item in receiver.received:
        headers = {k.lower(): v for k, v in item["headers"].items()}
        found.append((headers, json.loads(item["body"]), item["body"]))
    return found


def events_of(sandbox, receiver):
    return [(body["eventId"], body["entityId"]) for _h, body, _raw in delivered(sandbox, receiver)]


def an_invoice(client, **params):
    return client.get(
        "/v1/supplierInvoice", params={"documentType": "Invoice", "pageSize": 100, **params}
    ).json()[0]


def signature(key: str, raw: bytes) -> str:
    return base64.b64encode(hmac.new(key.encode(), raw, hashlib.sha256).digest()).decode()


# -- what a notification looks like --------------------------------------------------------------


def test_a_status_change_through_the_api_is_one_signed_thin_notification(sandbox, receiver, client):
    subscription = subscribe(sandbox, receiver, tenant_id=TENANT)
    invoice = an_invoice(client, status="Balanced")
    client.post(f"/v1/supplierInvoice/Invoice/{invoice['referenceNumber']}/action/release")

    [(headers, body, raw)] = delivered(sandbox, receiver)
    entity = f"Invoice/{invoice['referenceNumber']}"
    assert body == {
        "notificationId": headers["x-vwd-notification-id"],
        "eventId": "apinvoice_statuschanged",
        "contextId": HEALTHY["company_id"],
        "tenantId": TENANT,
        "apiClientId": TEST_CLIENT["client_id"],
        "connectId": None,
        "isScheduler": False,
        "action": "StatusChanged",
        "entityId": entity,
        "resourceUri": f"{sandbox.url}/v1/supplierInvoice/{entity}",
        "timestamp": body["timestamp"],
    }
    assert headers["x-vwd-signature-v1"] == signature(KEY, raw)
    assert headers["x-vwd-event-id"] == "apinvoice_statuschanged"
    assert headers["x-vwd-tenant-id"] == TENANT
    assert headers["x-vwd-subscription-id"] == subscription["id"]
    assert headers["x-vwd-application-id"] == TEST_CLIENT["client_id"]
    assert headers["x-vwd-group-id"] == "vismanetfinancials-publisher"
    assert uuid.UUID(headers["x-vwd-notification-id"])
    for name in ("x-vwd-notification-timestamp", "x-vwd-webhook-timestamp"):
        assert headers[name].isdigit() and len(headers[name]) == 13  # epoch milliseconds
    assert client.get(body["resourceUri"]).json()["status"] == "Open"


def test_a_body_signed_by_the_sandbox_does_not_verify_once_reserialised(sandbox, receiver, client):
    subscribe(sandbox, receiver)
    client.post("/api/v3/SalesOrders", json={"type": "SO", "customer": {"id": "10000"}})

    [(headers, body, raw)] = delivered(sandbox, receiver)
    assert headers["x-vwd-signature-v1"] == signature(KEY, raw)
    assert headers["x-vwd-signature-v1"] != signature(KEY, json.dumps(body, indent=2).encode())


# -- what fires events ---------------------------------------------------------------------------


def test_only_real_status_changes_of_supplier_invoices_are_published(sandbox, receiver, client):
    subscribe(sandbox, receiver)
    held = an_invoice(client, status="Hold", approvalStatus="New")
    balanced = an_invoice(client, status="Balanced")
    number = balanced["referenceNumber"]
    client.put(f"/v1/supplierInvoice/Invoice/{number}", json={"note": {"value": "only a note"}})
    client.post(
        f"/v1/supplierInvoice/{number}/attachment",
        files={"file": ("a.pdf", b"%PDF", "application/pdf")},
    )
    client.post(f"/v1/supplierInvoice/Invoice/{held['referenceNumber']}/action/sendtoapproval")
    client.put(f"/v1/supplierInvoice/Invoice/{number}", json={"hold": {"value": True}})
    client.post(
        f"/v1/supplierInvoice/Invoice/{number}/action/release"
    )  # refused: on hold, no event

    assert events_of(sandbox, receiver) == [("apinvoice_statuschanged", f"Invoice/{number}")]


def test_a_change_by_someone_else_is_published_without_an_api_client(sandbox, receiver, client):
    subscribe(sandbox, receiver)
    invoice = an_invoice(client, status="Balanced")
    sandbox.control(
        "POST",
        f"/_sandbox/tenants/{TENANT}/supplier-invoices/Invoice/{invoice['referenceNumber']}/touch",
        {"status": "Voided"},
    )
    sandbox.control(
        "POST",
        f"/_sandbox/tenants/{TENANT}/supplier-invoices/Invoice/{invoice['referenceNumber']}/touch",
        {"description": "no status change"},
    )

    [(_headers, body, _raw)] = delivered(sandbox, receiver)
    assert (body["eventId"], body["apiClientId"]) == ("apinvoice_statuschanged", None)


def test_a_released_payment_publishes_the_invoices_it_closed(sandbox, receiver, client):
    subscribe(sandbox, receiver)
    payment = client.get(
        "/v1/supplierPayment", params={"status": "Balanced", "paymentType": "Payment"}
    ).json()[0]
    client.post(f"/v1/supplierPayment/{payment['refNbr']}/action/release")

    expected = [
        ("apinvoice_statuschanged", f"{line['docType']}/{line['invoiceRefNbr']}")
        for line in payment["paymentLines"]
    ]
    assert sorted(events_of(sandbox, receiver)) == sorted(expected)


def test_an_action_run_by_the_background_api_publishes_when_it_runs(sandbox, receiver, client):
    subscribe(sandbox, receiver, events=["apinvoice_statuschanged"])
    sandbox.control("POST", "/_sandbox/settings", {"background_delay": 30})
    invoice = an_invoice(client, status="Balanced")
    client.post(
        f"/v1/supplierInvoice/Invoice/{invoice['referenceNumber']}/action/voidinvoice",
        headers={"erp-api-background": "none"},
    )
    before = events_of(sandbox, receiver)
    sandbox.control("POST", "/_sandbox/clock", {"advance_seconds": 30})

    assert before == []
    assert events_of(sandbox, receiver) == [
        ("apinvoice_statuschanged", f"Invoice/{invoice['referenceNumber']}")
    ]


def test_sales_orders_publish_created_updated_and_deleted(sandbox, receiver, client):
    subscribe(sandbox, receiver)
    location = client.post(
        "/api/v3/SalesOrders",
        json={"type": "SO", "orderId": "EV-1", "customer": {"id": "10000"}},
    ).headers["Location"]
    touched = sandbox.control(
        "POST", f"/_sandbox/tenants/{TENANT}/sales-orders/SO/EV-1/touch", {"status": "Hold"}
    )
    stale = client.delete(location, headers={"If-Match": touched["previous_version"]})
    client.delete(location, headers={"If-Match": touched["etag"]})

    # Notifications go out a few at a time, so they may arrive in any order (as from Visma).
    found = {
        body["eventId"]: (headers, body) for headers, body, _raw in delivered(sandbox, receiver)
    }
    assert stale.status_code == 412
    assert sorted(found) == ["SALESORDER_CREATED", "SALESORDER_DELETED", "SALESORDER_UPDATED"]
    assert {h["x-vwd-group-id"] for h, _b in found.values()} == {
        "visma.net.erp.salesorderservice-publisher"
    }
    assert {b["resourceUri"] for _h, b in found.values()} == {location}
    assert found["SALESORDER_CREATED"][1]["apiClientId"] == TEST_CLIENT["client_id"]
    assert found["SALESORDER_DELETED"][1]["apiClientId"] == TEST_CLIENT["client_id"]
    assert found["SALESORDER_UPDATED"][1]["apiClientId"] is None


@pytest.mark.parametrize(
    ("path", "fields", "events", "entity"),
    [
        (
            "customers/10002",
            {"status": "Inactive"},
            ["customer_changed", "customer_updated"],
            "10002",
        ),
        (
            "suppliers/50011",
            {"status": "OnHold"},
            ["supplier_changed", "supplier_updated"],
            "50011",
        ),
        (
            "inventory/BIKE-CITY",
            {"default_po_source": "purchaseToOrder", "price": 7490},
            ["inventoryitem_changed", "inventoryitem_updated"],
            "BIKE-CITY",
        ),
    ],
)
def test_master_data_changed_in_the_erp_publishes_changed_and_updated(
    sandbox, receiver, path, fields, events, entity
):
    subscribe(sandbox, receiver)
    answer = sandbox.control("POST", f"/_sandbox/tenants/{TENANT}/{path}", fields)

    assert answer["changed"]
    assert sorted(events_of(sandbox, receiver)) == sorted((e, entity) for e in events)


def test_master_data_changes_are_what_the_api_then_reads(sandbox, client):
    sandbox.control("POST", f"/_sandbox/tenants/{TENANT}/customers/10002", {"status": "Inactive"})
    sandbox.control(
        "POST", f"/_sandbox/tenants/{TENANT}/inventory/BIKE-CITY", {"default_po_source": None}
    )
    sandbox.control("POST", f"/_sandbox/tenants/{TENANT}/suppliers/50007", {"status": "Inactive"})
    refused = client.post("/api/v3/SalesOrders", json={"type": "SO", "customer": {"id": "10002"}})
    item = client.get(
        "/api/v3/Inventory", params={"inventoryId": "BIKE-CITY", "expand": "Attribute"}
    ).json()["value"][0]
    with erp(sandbox, tenant_id=OTHER["tenant_id"]) as other:
        elsewhere = other.get("/api/v3/Customers", params={"filter": "10002"}).json()["value"]

    assert refused.json()["details"][0]["code"] == "1407-InvalidCustomerStatus"
    assert item["attributes"]["DEFAULTPOSOURCE"] == ""
    assert client.get("/v1/supplier/50007").json()["status"] == "Inactive"
    assert elsewhere[0]["status"] == "Active"  # each company has its own records


# -- who hears what ------------------------------------------------------------------------------


def test_a_subscription_hears_only_its_events_and_its_company(sandbox, receiver, client):
    subscribe(sandbox, receiver, events=["SALESORDER_CREATED"], tenant_id=OTHER["tenant_id"])
    client.post("/api/v3/SalesOrders", json={"type": "SO", "customer": {"id": "10000"}})
    with erp(sandbox, tenant_id=OTHER["tenant_id"]) as other:
        created = other.post(
            "/api/v3/SalesOrders", json={"type": "SO", "customer": {"id": "10000"}}
        )
        invoice = an_invoice(other, status="Balanced")
        other.post(f"/v1/supplierInvoice/Invoice/{invoice['referenceNumber']}/action/release")

    [(headers, body, _raw)] = delivered(sandbox, receiver)
    assert body["eventId"] == "SALESORDER_CREATED"
    assert headers["x-vwd-tenant-id"] == OTHER["tenant_id"]
    assert created.headers["Location"].endswith(body["entityId"])


def test_a_company_that_did_not_approve_the_client_is_not_heard(sandbox, receiver):
    sandbox.control(
        "POST",
        "/_sandbox/clients",
        {"client_id": "isv_other", "client_secret": "s", "type": "test"},
    )
    subscribe(sandbox, receiver, client_id="isv_other")
    press(sandbox, "customer_changed", "10000")

    assert delivered(sandbox, receiver) == []


def test_each_client_subscription_gets_its_own_notification(sandbox, receiver):
    subscribe(sandbox, receiver)
    subscribe(sandbox, receiver, client_id=PROD_CLIENT["client_id"], key="prod-key")
    press(sandbox, "supplier_changed", "50001")

    found = delivered(sandbox, receiver)
    assert sorted(h["x-vwd-application-id"] for h, _b, _r in found) == [
        "isv_demo_prod",
        "isv_demo_test",
    ]
    assert len({b["notificationId"] for _h, b, _r in found}) == 2
    keys = {"isv_demo_test": KEY, "isv_demo_prod": "prod-key"}
    assert all(
        h["x-vwd-signature-v1"] == signature(keys[h["x-vwd-application-id"]], raw)
        for h, _b, raw in found
    )


def test_with_several_keys_the_first_signs(sandbox, receiver):
    sandbox.control(
        "POST",
        "/_sandbox/subscriptions",
        {
            "client_id": TEST_CLIENT["client_id"],
            "url": receiver.url,
            "keys": ["new-key", "old-key"],
        },
    )
    press(sandbox, "supplier_changed", "50001")

    [(headers, _body, raw)] = delivered(sandbox, receiver)
    assert headers["x-vwd-signature-v1"] == signature("new-key", raw)


def test_a_subscription_can_be_removed(sandbox, receiver):
    subscription = subscribe(sandbox, receiver)
    sandbox.control("DELETE", f"/_sandbox/subscriptions/{subscription['id']}")
    press(sandbox, "supplier_changed", "50001")

    assert delivered(sandbox, receiver) == []
    assert subscription["id"] not in {
        s["id"] for s in sandbox.control("GET", "/_sandbox/subscriptions")
    }


@pytest.mark.parametrize(
    "fields",
    [
        {"url": "http://hooks.example.com/erp"},
        {"url": "ftp://127.0.0.1/erp"},
        {"client_id": "isv_nobody"},
        {"events": ["invoice_paid"]},
        {"events": []},
        {"tenant_id": "00000000-0000-4000-8000-000000000000"},
        {"key": ""},
        {"keys": ["a"]},  # key and keys together
        {"colour": "red"},
    ],
)
def test_a_bad_subscription_is_refused_and_registers_nothing(sandbox, receiver, fields):
    body = {"client_id": TEST_CLIENT["client_id"], "url": receiver.url, "key": KEY, **fields}
    response = httpx.post(f"{sandbox.url}/_sandbox/subscriptions", json=body)

    assert response.status_code in (400, 404) and response.json()["error"]
    assert sandbox.control("GET", "/_sandbox/subscriptions") == []


# -- pressed actions, bursts, replays ------------------------------------------------------------


def test_a_pressed_automation_action_carries_its_webhook_parameter(sandbox, receiver):
    subscribe(sandbox, receiver)
    answer = press(sandbox, "SALESORDER_UI_CUSTOMACTION", "SO/000001", parameter="check-tenant")

    [(headers, body, _raw)] = delivered(sandbox, receiver)
    assert (
        answer["notification_ids"] == [body["notificationId"]] == [headers["x-vwd-notification-id"]]
    )
    assert (body["action"], body["parameter"], body["apiClientId"]) == (
        "CustomAction",
        "check-tenant",
        None,
    )
    assert body["resourceUri"] == f"{sandbox.url}/api/v3/SalesOrders/SO/000001"


def test_a_burst_on_one_document_is_that_many_distinct_notifications(sandbox, receiver):
    subscribe(sandbox, receiver)
    answer = press(sandbox, "apinvoice_statuschanged", "Invoice/100001", count=50)

    found = delivered(sandbox, receiver)
    assert len(found) == 50 == len(set(answer["notification_ids"]))
    assert {b["entityId"] for _h, b, _r in found} == {"Invoice/100001"}
    assert {b["notificationId"] for _h, b, _r in found} == set(answer["notification_ids"])


def test_notification_ids_never_repeat_after_a_reset(sandbox, receiver):
    """A receiver's inbox outlives the sandbox (make run restarts it against the same portal): a
    seeded id would come back after a reset and be taken for a copy."""
    subscribe(sandbox, receiver)
    first = press(sandbox, "apinvoice_statuschanged", "Invoice/100001", count=3)
    sandbox.reset()
    subscribe(sandbox, receiver)
    second = press(sandbox, "apinvoice_statuschanged", "Invoice/100001", count=3)

    assert not set(first["notification_ids"]) & set(second["notification_ids"])


def test_a_replay_sends_the_same_notification_again(sandbox, receiver):
    subscribe(sandbox, receiver)
    press(sandbox, "customer_changed", "10000")
    sandbox.control("POST", "/_sandbox/webhooks/flush")
    [first] = sandbox.control("GET", "/_sandbox/webhooks")
    again = sandbox.control("POST", f"/_sandbox/webhooks/{first['delivery_id']}/replay")

    [(one, body_one, raw_one), (two, body_two, raw_two)] = delivered(sandbox, receiver)
    assert raw_one == raw_two and body_one["notificationId"] == body_two["notificationId"]
    assert one["x-vwd-notification-id"] == two["x-vwd-notification-id"]
    assert one["x-vwd-signature-v1"] == two["x-vwd-signature-v1"]
    assert again["replay_of"] == first["delivery_id"] and again["status"] == 200


@pytest.mark.parametrize(
    "body",
    [
        {"tenant_id": TENANT, "event": "invoice_paid", "entity_id": "Invoice/100001"},
        {"tenant_id": TENANT, "event": "BACKGROUND_API_RESPONSE", "entity_id": "x"},
        {"tenant_id": TENANT, "event": "customer_changed", "entity_id": "99999"},
        {"tenant_id": TENANT, "event": "apinvoice_statuschanged", "entity_id": "Invoice/999999"},
        {"tenant_id": TENANT, "event": "customer_changed", "entity_id": "10000", "count": 0},
        {"tenant_id": TENANT, "event": "customer_changed", "entity_id": "10000", "parameter": "x"},
        {"tenant_id": TENANT, "event": "customer_changed"},
        {"event": "customer_changed", "entity_id": "10000"},
    ],
)
def test_a_bad_event_request_sends_nothing(sandbox, receiver, body):
    subscribe(sandbox, receiver)
    response = httpx.post(f"{sandbox.url}/_sandbox/events", json=body)

    assert response.status_code in (400, 404) and response.json()["error"]
    assert delivered(sandbox, receiver) == []


def test_replaying_an_unknown_delivery_is_404(sandbox):
    response = httpx.post(f"{sandbox.url}/_sandbox/webhooks/999/replay", json={})

    assert response.status_code == 404


def test_a_failed_delivery_is_recorded_and_can_be_replayed(sandbox):
    with WebhookReceiver(status=503) as failing:
        subscribe(sandbox, failing)
        press(sandbox, "customer_changed", "10000")
        sandbox.control("POST", "/_sandbox/webhooks/flush")
        [entry] = sandbox.control("GET", "/_sandbox/webhooks")
        replayed = sandbox.control("POST", f"/_sandbox/webhooks/{entry['delivery_id']}/replay")

    assert (entry["status"], entry["error"]) == (503, "HTTP 503")
    assert replayed["notification_id"] == entry["notification_id"]
    assert len(failing.received) == 2


# -- feedback ------------------------------------------------------------------------------------


def test_feedback_on_a_notification_is_recorded(sandbox, receiver, client):
    subscribe(sandbox, receiver)
    press(sandbox, "customer_changed", "10000")
    [(headers, _body, _raw)] = delivered(sandbox, receiver)
    sent = client.post(
        "/v1/webhooknotificationfeedback",
        json={
            "notificationId": headers["x-vwd-notification-id"],
            "source": "ISV portal",
            "description": "Operation failed: the tenant is suspended",
            "isSuccess": False,
        },
    )
    as_form = client.post(
        "/v1/webhooknotificationfeedback",
        data={"notificationId": str(uuid.UUID(int=7)), "isSuccess": "true"},
    )

    assert (sent.status_code, sent.json(), as_form.status_code) == (201, {}, 201)
    [first, second] = sandbox.control("GET", "/_sandbox/feedback")
    assert first["notificationId"] == headers["x-vwd-notification-id"]
    assert (first["isSuccess"], first["known"], first["tenant_id"]) == (False, True, TENANT)
    assert (second["isSuccess"], second["known"]) == (True, False)


@pytest.mark.parametrize(
    "body",
    [
        {"notificationId": "not-a-uuid", "isSuccess": True},
        {"isSuccess": True},
        {"notificationId": str(uuid.UUID(int=1)), "isSuccess": "yes"},
        {"notificationId": str(uuid.UUID(int=1)), "isSuccess": True, "mood": "fine"},
        {"notificationId": str(uuid.UUID(int=1)), "isSuccess": True, "description": "d" * 4001},
    ],
)
def test_bad_feedback_is_refused_and_not_recorded(sandbox, client, body):
    response = client.post("/v1/webhooknotificationfeedback", json=body)

    assert response.status_code == 400
    assert response.json()["ExceptionType"] == "IPPException"
    assert sandbox.control("GET", "/_sandbox/feedback") == []


def test_every_event_of_the_catalogue_can_be_subscribed_to(sandbox, receiver):
    names = [e.value for e in Event]
    answer = subscribe(sandbox, receiver, events=names)

    assert answer["events"] == sorted(names)
