"""The Background API: 202 + stateLocation, Started -> Finished/Failed, content, 410, notifications.

These tests run their own sandbox whose background delay is a minute, so nothing runs until a test
moves the virtual clock: no sleeping, no races.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from erpsim.testing import SandboxServer

from .conftest import BACKGROUND_DELAY
from .helpers import HEALTHY, PROD_CLIENT, TEST_CLIENT, WebhookReceiver, erp, tenant_for

DELAY = BACKGROUND_DELAY


@pytest.fixture
def server(slow_sandbox):
    return slow_sandbox


@pytest.fixture
def client(server):
    with erp(server) as http:
        yield http


def run_due(server, seconds=DELAY):
    server.control("POST", "/_sandbox/clock", {"advance_seconds": seconds})


def an_invoice(client, **params):
    return client.get("/v1/supplierInvoice", params={"pageSize": 100, **params}).json()[0]


def test_accepted_request_answers_202_with_id_and_state_location(client, server):
    response = client.get(
        "/v1/supplierInvoice/Invoice/100001", headers={"erp-api-background": "none"}
    )

    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"id", "stateLocation"}
    assert body["stateLocation"] == f"{server.url}/v1/background/{body['id']}"
    assert response.headers["Location"] == body["stateLocation"]


def test_state_goes_from_started_to_finished_and_content_holds_the_response(client, server):
    accepted = client.get(
        "/v1/supplierInvoice/Invoice/100001", headers={"erp-api-background": "none"}
    ).json()
    started = client.get(accepted["stateLocation"]).json()
    early_content = client.get(f"{accepted['stateLocation']}/content")
    run_due(server)
    finished = client.get(accepted["stateLocation"]).json()
    content = client.get(finished["contentLocation"])

    assert started["status"] == "Started"
    assert started["statusCode"] == 0
    assert started["webhookAddress"] == "none"
    assert early_content.status_code == 404
    assert finished["status"] == "Finished"
    assert finished["statusCode"] == 200
    assert finished["hasResponseContent"] is True
    assert "ETag" in finished["responseHeaders"]
    assert content.status_code == 200
    assert content.json()["referenceNumber"] == "100001"


def test_content_is_404_when_the_operation_had_no_body(client, server):
    invoice = an_invoice(client, status="Balanced")
    accepted = client.put(
        f"/v1/supplierInvoice/{invoice['documentType']}/{invoice['referenceNumber']}",
        json={"note": {"value": "via background"}},
        headers={"erp-api-background": "none"},
    ).json()
    run_due(server)
    state = client.get(accepted["stateLocation"]).json()

    assert state["statusCode"] == 204
    assert state["hasRequestContent"] is True
    assert client.get(f"{accepted['stateLocation']}/content").status_code == 404


def test_state_and_content_are_removed_after_24_hours(client, server):
    accepted = client.get(
        "/v1/supplierInvoice/Invoice/100001", headers={"erp-api-background": "none"}
    ).json()
    run_due(server)
    assert client.get(f"{accepted['stateLocation']}/content").status_code == 200
    run_due(server, 24 * 3600)

    with erp(server) as fresh:  # the first token expired a day ago
        assert fresh.get(f"{accepted['stateLocation']}/content").status_code == 410
        assert fresh.get(accepted["stateLocation"]).status_code == 404


def test_unknown_operation_is_404(client):
    assert client.get("/v1/background/00000000-0000-4000-8000-000000000000").status_code == 404


def test_state_of_another_client_or_company_is_403(client, server):
    accepted = client.get("/resources/v1/context", headers={"erp-api-background": "none"}).json()
    with erp(server, client=PROD_CLIENT) as other_client:
        by_other_client = other_client.get(accepted["stateLocation"])
    with erp(server, tenant_id=tenant_for("healthy", 1)["tenant_id"]) as other_company:
        by_other_company = other_company.get(accepted["stateLocation"])

    assert by_other_client.status_code == by_other_company.status_code == 403


def test_action_with_stale_if_match_fails_in_the_background(client, server):
    invoice = an_invoice(client, status="Balanced", documentType="Invoice")
    path = f"/v1/supplierInvoice/Invoice/{invoice['referenceNumber']}/action/release"
    stale = client.post(
        path, headers={"erp-api-background": "none", "If-Match": '"AAAAAAAAAAE="'}
    ).json()
    run_due(server)
    state = client.get(stale["stateLocation"]).json()

    assert state["status"] == "Failed"
    assert state["statusCode"] == 412
    assert "If-Match" in state["errorMessage"]
    assert (
        client.get(f"/v1/supplierInvoice/Invoice/{invoice['referenceNumber']}").json()["status"]
        == "Balanced"
    )


def test_action_with_current_if_match_runs_in_the_background(client, server):
    invoice = an_invoice(client, status="Balanced", documentType="Invoice")
    path = f"/v1/supplierInvoice/Invoice/{invoice['referenceNumber']}/action/release"
    accepted = client.post(
        path, headers={"erp-api-background": "none", "If-Match": f'"{invoice["timeStamp"]}"'}
    ).json()
    before = client.get(f"/v1/supplierInvoice/Invoice/{invoice['referenceNumber']}").json()[
        "status"
    ]
    run_due(server)

    assert before == "Balanced"
    assert client.get(accepted["stateLocation"]).json()["statusCode"] == 200
    assert (
        client.get(f"/v1/supplierInvoice/Invoice/{invoice['referenceNumber']}").json()["status"]
        == "Open"
    )


def test_bad_background_header_is_400_and_queues_nothing(client, server):
    response = client.get("/resources/v1/context", headers={"erp-api-background": "later please"})

    assert response.status_code == 400
    assert response.json()["ExceptionType"] == "IPPException"
    assert server.control("GET", "/_sandbox/background") == []


def _signature(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def test_url_mode_posts_a_signed_notification(client, server):
    with WebhookReceiver() as receiver:
        accepted = client.get(
            "/v1/supplierInvoice/Invoice/100001", headers={"erp-api-background": receiver.url}
        ).json()
        run_due(server)

    assert len(receiver.received) == 1
    delivery = receiver.received[0]
    payload = json.loads(delivery["body"])
    assert payload["id"] == accepted["id"]
    assert payload["statusCode"] == 200
    assert payload["stateLocation"] == accepted["stateLocation"]
    assert payload["contentLocation"] == f"{accepted['stateLocation']}/content"
    assert delivery["headers"]["X-VWD-Signature-V1"] == _signature(
        TEST_CLIENT["webhook_secret"], delivery["body"]
    )
    log = server.control("GET", "/_sandbox/webhooks")
    assert log[0]["status"] == 200 and log[0]["mode"] == "url"
    assert client.get(accepted["stateLocation"]).json()["webhookAddress"] == receiver.url


def test_subscription_mode_posts_to_the_client_webhook_with_custom_headers(client, server):
    with WebhookReceiver() as receiver:
        server.control(
            "POST",
            "/_sandbox/clients",
            {
                **{k: TEST_CLIENT[k] for k in ("client_id", "client_secret", "type", "scopes")},
                "webhook_url": receiver.url,
                "webhook_secret": "subscription-key",
            },
        )
        accepted = client.get(
            "/resources/v1/context",
            headers={
                "erp-api-background": "subscription:X-Correlation-Id=abc-123,X-Tenant=nordlys"
            },
        ).json()
        run_due(server)

    delivery = receiver.received[0]
    payload = json.loads(delivery["body"])
    assert payload["eventId"] == "BACKGROUND_API_RESPONSE"
    assert payload["id"] == accepted["id"]
    assert payload["tenantId"] == HEALTHY["tenant_id"]
    assert delivery["headers"]["X-Correlation-Id"] == "abc-123"
    assert delivery["headers"]["X-Tenant"] == "nordlys"
    assert delivery["headers"]["X-VWD-Signature-V1"] == _signature(
        "subscription-key", delivery["body"]
    )
    assert client.get(accepted["stateLocation"]).json()["webhookAddress"] == "subscription"


def test_subscription_without_a_configured_webhook_is_recorded_as_undeliverable(client, server):
    client.get("/resources/v1/context", headers={"erp-api-background": "subscription"})
    run_due(server)

    log = server.control("GET", "/_sandbox/webhooks")
    assert log[0]["url"] is None
    assert "no webhook subscription" in log[0]["error"]


def test_failed_deliveries_are_recorded_and_the_server_keeps_working(client, server):
    with WebhookReceiver(status=500) as receiver:
        client.get("/resources/v1/context", headers={"erp-api-background": receiver.url})
        run_due(server)
    client.get(
        "/resources/v1/context", headers={"erp-api-background": "http://127.0.0.1:9/unreachable"}
    )
    run_due(server)

    log = server.control("GET", "/_sandbox/webhooks")
    assert [entry["status"] for entry in log] == [500, None]
    assert log[0]["error"] == "HTTP 500"
    assert log[1]["error"]
    assert client.get("/resources/v1/context").status_code == 200


def test_operations_are_listed_for_the_control_api(client, server):
    client.get("/resources/v1/context", headers={"erp-api-background": "none"})

    operations = server.control("GET", "/_sandbox/background")
    assert len(operations) == 1
    assert operations[0]["status"] == "Started"
    assert operations[0]["path"] == "/resources/v1/context"


def test_the_runner_also_works_in_real_time(sandbox):
    # The shared sandbox runs background work after half a second of real time, clock untouched.
    with WebhookReceiver() as receiver, erp(sandbox) as http:
        accepted = http.get(
            "/resources/v1/context", headers={"erp-api-background": receiver.url}
        ).json()
        assert receiver.arrived.wait(timeout=30), "no notification arrived"
        state = http.get(accepted["stateLocation"]).json()

    assert state["status"] == "Finished"
    assert state["statusCode"] == 200


def test_signature_header_name_is_configurable():
    with (
        SandboxServer(world="demo", seed=1, signature_header="X-Erp-Signature") as server,
        WebhookReceiver() as receiver,
        erp(server) as http,
    ):
        http.get("/resources/v1/context", headers={"erp-api-background": receiver.url})
        run_due(server, 1)

    headers = receiver.received[0]["headers"]
    assert headers["X-Erp-Signature"] == _signature(
        TEST_CLIENT["webhook_secret"], receiver.received[0]["body"]
    )
    assert "X-VWD-Signature-V1" not in headers
