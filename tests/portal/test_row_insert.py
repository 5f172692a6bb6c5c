"""portal/row_insert.py: the same row as save() writes, defaults as save() takes them, Django's
errors, save()'s refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.signals import post_save
from django.forms.models import model_to_dict

from portal.row_insert import RowInsert
from webhooks.models import InboundDelivery

pytestmark = pytest.mark.django_db

insert = RowInsert(InboundDelivery)


def delivery(**fields) -> dict:
    values = {
        "source": "visma",
        "endpoint": "visma",
        "received_at": dt.datetime(2026, 12, 2, 21, 5, 7, 123456, tzinfo=dt.UTC),
        "remote_ip": "2001:db8::1",
        "headers": {"x-vwd-event-id": "apinvoice_statuschanged", "ü": ["nested", 1, None]},
        "content_type": "application/json",
        "body": b'{"a": 1}\x00\xff',
        "body_size": 10,
        "body_sha256": "ab" * 32,
        "verified": None,
        "dedupe_key": "n-1",
        "first_of_key": True,
        "status": "queued",
    }
    return {**values, **fields}


def stored(pk: int) -> dict:
    fresh = InboundDelivery.objects.get(pk=pk)
    values = model_to_dict(fresh, exclude=["id"])
    values["body"] = bytes(fresh.body)
    return values


@pytest.mark.smoke  # on SQLite too, where RowInsert is save()
def test_the_row_is_the_one_save_writes():
    by_save = InboundDelivery(**delivery(dedupe_key="by-save"))
    by_save.save(force_insert=True)

    # The unique key is held by the first.
    pk = insert.insert(delivery(dedupe_key="by-save", first_of_key=False))

    assert pk and pk != by_save.pk
    assert stored(pk) == stored(by_save.pk) | {"first_of_key": False}
    assert stored(pk)["headers"]["ü"] == ["nested", 1, None]
    assert stored(pk)["body"] == b'{"a": 1}\x00\xff'


@pytest.mark.smoke
def test_a_column_not_given_takes_its_default_as_save_does_and_a_callable_one_each_time():
    minimal = {"source": "visma", "endpoint": "visma"}
    by_save = InboundDelivery(**minimal)
    by_save.save(force_insert=True)

    first = insert.insert(minimal)
    second = insert.insert(minimal)

    def without_time(pk: int) -> dict:
        return {k: v for k, v in stored(pk).items() if k != "received_at"}

    assert without_time(first) == without_time(by_save.pk)
    assert stored(first)["verification"] == "none"  # a constant default, prepared once
    assert stored(first)["headers"] == {}  # dict, called for the row
    times = [InboundDelivery.objects.get(pk=pk).received_at for pk in (by_save.pk, first, second)]
    assert times[0] < times[1] < times[2]  # timezone.now, called for each row


@pytest.mark.smoke
def test_a_foreign_key_is_given_by_its_column():
    first = insert.insert(delivery())
    copy = insert.insert(delivery(first_of_key=False, duplicate_of_id=first))
    assert InboundDelivery.objects.get(pk=copy).duplicate_of_id == first
    with pytest.raises(TypeError, match=r"no column duplicate_of$"):
        insert.insert(delivery(first_of_key=False, duplicate_of=first))


def test_an_unknown_column_is_refused_and_nothing_is_stored():
    with pytest.raises(TypeError, match="no column colour"):
        insert.insert(delivery(colour="blue"))
    assert not InboundDelivery.objects.exists()


def test_a_model_whose_fields_change_on_save_is_refused():
    from usage.models import MeteredCompany

    with pytest.raises(TypeError, match="created_at, updated_at change on save"):
        RowInsert(MeteredCompany)


@pytest.mark.smoke
def test_a_collision_raises_djangos_integrity_error_and_leaves_the_transaction_usable():
    insert.insert(delivery())
    with pytest.raises(IntegrityError), transaction.atomic():
        insert.insert(delivery())
    assert InboundDelivery.objects.filter(dedupe_key="n-1").count() == 1


def test_a_row_inserted_in_a_transaction_is_rolled_back_with_it():
    with pytest.raises(RuntimeError), transaction.atomic():
        insert.insert(delivery(dedupe_key="rolled-back"))
        raise RuntimeError
    assert not InboundDelivery.objects.filter(dedupe_key="rolled-back").exists()


def test_a_model_with_save_signals_is_refused():
    def receiver(**kwargs):
        raise AssertionError("never called")

    post_save.connect(receiver, sender=InboundDelivery, weak=False)
    try:
        with pytest.raises(TypeError, match="save signals"):
            insert.insert(delivery())
    finally:
        post_save.disconnect(receiver, sender=InboundDelivery)
    assert not InboundDelivery.objects.exists()


def test_an_expression_is_refused():
    with pytest.raises(TypeError, match="expressions"):
        insert.insert(delivery(attempts=F("attempts") + 1))
    assert not InboundDelivery.objects.exists()


def _kill_the_connections_backend() -> None:
    """pg_terminate_backend on this test's connection, from a connection of its own."""
    import psycopg
    from django.db import connection

    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):  # until the backend has gone
            row = other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
            if row is None:
                break
            other.execute("SELECT pg_sleep(0.05)")


@pytest.fixture
def kept_connection_at_request_start():
    """The default connection as a request finds it in production: kept from an earlier request,
    with its health check due (CONN_HEALTH_CHECKS)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a kept PostgreSQL connection dying is what this checks; CI runs it there")
    connection.ensure_connection()
    enabled = connection.health_check_enabled
    connection.health_check_enabled = True
    connection.health_check_done = False
    yield connection
    connection.health_check_enabled = enabled
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_kept_connection_that_died_is_replaced_and_the_row_stored_once(
    kept_connection_at_request_start,
):
    connection = kept_connection_at_request_start
    before = connection.connection.info.backend_pid
    _kill_the_connections_backend()

    insert.insert(delivery(dedupe_key="after-restart"))

    assert connection.connection.info.backend_pid != before
    assert connection.health_check_done  # no check later in this request, as after Django's
    assert InboundDelivery.objects.filter(dedupe_key="after-restart").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_connection_that_dies_after_its_check_is_not_sent_to_again(
    kept_connection_at_request_start,
):
    from django.db import OperationalError

    connection = kept_connection_at_request_start
    connection.health_check_done = True  # this request has used it already
    _kill_the_connections_backend()

    with pytest.raises(OperationalError):
        insert.insert(delivery(dedupe_key="not-resent"))
    connection.close()
    assert not InboundDelivery.objects.filter(dedupe_key="not-resent").exists()
