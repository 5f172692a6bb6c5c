"""The fault suite's checks on the sandbox's request log: an identical ERP write sent twice is
found; token calls, reads and different writes are not doubles."""

from __future__ import annotations

from bench.drivers import erp_writes_sent_twice


def entry(method, path, body=None, tenant="t1", api="salesorders"):
    return {"method": method, "path": path, "body": body, "tenant_id": tenant, "api": api}


def test_an_identical_write_sent_twice_is_found():
    order = {"orderId": "SO-1", "customer": "10000"}
    log = [entry("POST", "/api/v3/SalesOrders", order), entry("POST", "/api/v3/SalesOrders", order)]
    assert erp_writes_sent_twice(log) == {("t1", "POST", "/api/v3/SalesOrders", str(order)): 2}


def test_reads_token_calls_and_different_writes_are_not_doubles():
    log = [
        entry("GET", "/v1/supplierInvoice"),
        entry("GET", "/v1/supplierInvoice"),
        entry("POST", "/connect/token", {"grant_type": "client_credentials"}, api="connect"),
        entry("POST", "/connect/token", {"grant_type": "client_credentials"}, api="connect"),
        entry("POST", "/api/v3/SalesOrders", {"orderId": "SO-1"}),
        entry("POST", "/api/v3/SalesOrders", {"orderId": "SO-2"}),
        entry("POST", "/api/v3/SalesOrders", {"orderId": "SO-1"}, tenant="t2"),
    ]
    assert erp_writes_sent_twice(log) == {}


def test_a_resend_after_a_refused_write_is_no_double_but_two_carried_out_are():
    order = {"orderId": "SO-3"}
    refused = {**entry("POST", "/api/v3/SalesOrders", order), "status": 503, "fault": "error"}
    made = {**entry("POST", "/api/v3/SalesOrders", order), "status": 201}
    lost = {**made, "status": 504, "fault": "lost_answer_timeout"}
    assert erp_writes_sent_twice([refused, made]) == {}
    assert erp_writes_sent_twice([lost, made]) == {
        ("t1", "POST", "/api/v3/SalesOrders", str(order)): 2
    }
