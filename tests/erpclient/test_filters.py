"""Date filters render exactly as the Financials API expects."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from erpclient import Condition, after, before, since, until
from erpclient.filters import When
from erpclient.resources.supplier_invoices import invoice_filters

from .fakes import FakeErp, make_client, ok_json


@pytest.mark.parametrize(
    ("when", "value", "condition"),
    [
        (after(datetime(2025, 5, 1, 10, 0, 0)), "2025-05-01T10:00:00", ">"),
        (before(datetime(2025, 5, 1, 10, 0, 0, 123456)), "2025-05-01T10:00:00.123", "<"),
        (since(date(2025, 5, 1)), "2025-05-01T00:00:00", ">="),
        (
            until(datetime(2025, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))),
            "2025-05-01T10:00:00",
            "<=",
        ),
    ],
    ids=["after", "before-millis", "since-date", "until-aware-to-utc"],
)
def test_date_time_filters(when, value, condition):
    params = invoice_filters(last_modified_date_time=when)
    assert params["lastModifiedDateTime"] == value
    assert params["lastModifiedDateTimeCondition"] == condition


def test_due_date_is_a_plain_date():
    params = invoice_filters(
        due_date=before(datetime(2025, 6, 30, 23, 0)), created_date_time=since(date(2025, 1, 1))
    )
    assert params["dueDate"] == "2025-06-30" and params["dueDateCondition"] == "<"
    assert params["createdDateTime"] == "2025-01-01T00:00:00"


def test_conditions_go_over_the_wire_percent_encoded():
    fake = FakeErp().on("/v1/supplierInvoice", ok_json([]))
    make_client(fake).supplier_invoices.page(
        last_modified_date_time=since(datetime(2025, 5, 1, 10, 0)), status="Open", released=False
    )
    url = fake.requests[0].url
    assert url.params["lastModifiedDateTimeCondition"] == ">="
    assert b"lastModifiedDateTimeCondition=%3E%3D" in url.raw_path
    assert url.params["status"] == "Open" and url.params["released"] == "0"
    assert url.params["pageNumber"] == "1" and url.params["pageSize"] == "100"


@pytest.mark.parametrize("text", [">", "<", ">=", "<="])
def test_condition_parses_its_four_operators(text):
    assert When(datetime(2025, 1, 1), text).condition is Condition.parse(text)


@pytest.mark.parametrize("bad", ["=", "!=", "gt", ""])
def test_unknown_condition_is_refused(bad):
    with pytest.raises(ValueError, match="condition must be one of"):
        When(datetime(2025, 1, 1), bad)


def test_a_bare_datetime_is_refused_with_a_hint():
    fake = FakeErp()
    with pytest.raises(ValueError, match="since"):
        make_client(fake).supplier_invoices.page(last_modified_date_time=datetime.now(UTC))
    assert fake.requests == []


def test_an_unknown_filter_is_refused():
    with pytest.raises(TypeError, match="colour"):
        invoice_filters(colour="red")


def test_page_numbers_below_one_are_refused():
    fake = FakeErp()
    with pytest.raises(ValueError, match="page"):
        make_client(fake).supplier_invoices.page(page_number=0)
    with pytest.raises(ValueError, match="page size"):
        make_client(fake).supplier_invoices.page(page_size=0)
    assert fake.requests == []
