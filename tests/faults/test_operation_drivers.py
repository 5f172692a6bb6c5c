"""The staff-operation drivers' count of doubled ERP writes (bench/operation_drivers.py), read
from request-log entries in the sandbox's shape: a write the sandbox carried out counts, one it
refused before doing anything does not."""

from __future__ import annotations

import json
import uuid

from bench.drivers import FINISHED, UNKNOWN
from bench.operation_drivers import (
    InvoiceActionDriver,
    SalesOrderDriver,
    job_actions_carried_out,
    order_creates_carried_out,
)

TENANT = "b0000000-0000-4000-8000-00000000000a"
OTHER = "c0000000-0000-4000-8000-00000000000b"


def create(number: str, status: int | None, fault: str | None = None, tenant=TENANT) -> dict:
    return {
        "tenant_id": tenant,
        "method": "POST",
        "path": "/api/v3/SalesOrders",
        "body": json.dumps({"type": "SO", "orderId": number, "customer": {"id": "10000"}}),
        "headers": {},
        "status": status,
        "fault": fault,
    }


def action(job_id: str, status: int | None, fault: str | None = None) -> dict:
    return {
        "method": "POST",
        "path": "/api/v1/supplierinvoice/Invoice/100007/release",
        "body": "",
        "headers": {"erp-api-background": f"subscription:x-job-id={job_id}"},
        "status": status,
        "fault": fault,
    }


def test_an_order_create_carried_out_once_is_not_doubled_whatever_was_refused_around_it():
    log = [
        create("WEB-000001", 500, "error"),  # refused before the handler: nothing made
        create("WEB-000001", None, "reset"),
        create("WEB-000001", 201),
        create("WEB-000001", 409),  # the client's resend, refused: the order exists once
        create("WEB-000002", 201),
        create("WEB-000001", 201, tenant=OTHER),  # another company's number sequence
    ]

    assert order_creates_carried_out(log) == {
        (TENANT, "WEB-000001"): 1,
        (TENANT, "WEB-000002"): 1,
        (OTHER, "WEB-000001"): 1,
    }


def test_an_order_create_carried_out_twice_is_doubled_even_when_one_answer_was_lost():
    log = [create("WEB-000003", 504, "lost_answer_timeout"), create("WEB-000003", 201)]

    assert order_creates_carried_out(log) == {(TENANT, "WEB-000003"): 2}


def test_a_job_action_counts_per_correlation_id_and_only_when_carried_out():
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    log = [
        action(first, 503, "error"),
        action(first, 202),
        action(second, 202),
        action(second, None, "lost_answer_reset"),
        action(second, 412),
        {**create("WEB-000004", 201)},  # no correlation header: not a job's action
    ]

    assert job_actions_carried_out(log) == {first: 1, second: 2}


def test_the_order_driver_marks_a_number_created_twice_as_doubled(monkeypatch):
    log = [create("WEB-000005", 201), create("WEB-000006", 201), create("WEB-000006", 201)]
    driver = SalesOrderDriver(sandbox=None, spread_seconds=0, requests=lambda: log)
    driver.numbers = [(TENANT, "WEB-000005"), (TENANT, "WEB-000006")]
    monkeypatch.setattr(
        "operations.orders.models.PortalOrder.objects",
        _Rows(
            [
                (TENANT, "WEB-000005", "created", "", None, None),
                (TENANT, "WEB-000006", "created", "", None, None),
            ]
        ),
    )

    found = driver.outcomes()

    assert {k: (o.state, o.repeats) for k, o in found.items()} == {
        "b0000000/WEB-000005": (FINISHED, 0),
        "b0000000/WEB-000006": (FINISHED, 1),
    }


def test_the_invoice_driver_marks_a_job_whose_action_ran_twice_as_doubled(monkeypatch):
    once, twice = uuid.uuid4(), uuid.uuid4()
    log = [action(str(once), 202), action(str(twice), 202), action(str(twice), 202)]
    driver = InvoiceActionDriver(sandbox=None, spread_seconds=0, requests=lambda: log)
    driver.keys = ["a/100001", "a/100002"]
    driver.jobs = {"a/100001": 11, "a/100002": 12}
    monkeypatch.setattr(
        "operations.jobs.models.BackgroundJob.objects",
        _Rows([_job(11, once, "verified", "finished"), _job(12, twice, "pending", "unknown")]),
    )

    found = driver.outcomes()

    assert found["a/100001"].state == FINISHED and found["a/100001"].repeats == 0
    assert found["a/100002"].state == UNKNOWN and found["a/100002"].repeats == 1
    assert found["a/100002"].reason  # an unknown job says why


class _Rows:
    """Stands in for a model manager: ``filter(...)`` gives the rows, ``values_list`` too."""

    def __init__(self, rows: list) -> None:
        self.rows = rows

    def filter(self, **_):
        return self

    def values_list(self, *_):
        return self.rows

    def __iter__(self):
        return iter(self.rows)


def _job(pk, correlation, outcome, status):
    return type(
        "Job",
        (),
        {
            "pk": pk,
            "correlation_id": correlation,
            "outcome": outcome,
            "status": status,
            "sent_at": None,
            "created_at": None,
            "finished_at": None,
            "verified_at": None,
            "erp_error_message": "",
            "last_error": "No answer; the action is not sent again.",
            "get_outcome_display": lambda self: outcome,
        },
    )()
