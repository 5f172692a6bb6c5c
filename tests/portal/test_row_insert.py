"""portal/row_insert.py: the same row as save() writes, Django's errors, save()'s refusals."""

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


def delivery(**fields) -> InboundDelivery:
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
    return InboundDelivery(**{**values, **fields})


def stored(row: InboundDelivery) -> dict:
    fresh = InboundDelivery.objects.get(pk=row.pk)
    values = model_to_dict(fresh, exclude=["id"])
    values["body"] = bytes(fresh.body)
    return values


def test_the_row_is_the_one_save_writes():
    by_save = delivery(dedupe_key="by-save")
    by_save.save(force_insert=True)
    inserted = delivery(dedupe_key="by-save")
    inserted.first_of_key = False  # the unique key is held by the first

    insert(inserted)

    assert inserted.pk and inserted.pk != by_save.pk
    assert not inserted._state.adding
    expected = stored(by_save) | {"first_of_key": False}
    assert stored(inserted) == expected
    assert stored(inserted)["headers"]["ü"] == ["nested", 1, None]
    assert stored(inserted)["body"] == b'{"a": 1}\x00\xff'


def test_a_collision_raises_djangos_integrity_error_and_leaves_the_transaction_usable():
    insert(delivery())
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(delivery())
    assert InboundDelivery.objects.filter(dedupe_key="n-1").count() == 1


def test_a_row_inserted_in_a_transaction_is_rolled_back_with_it():
    with pytest.raises(RuntimeError), transaction.atomic():
        insert(delivery(dedupe_key="rolled-back"))
        raise RuntimeError
    assert not InboundDelivery.objects.filter(dedupe_key="rolled-back").exists()


def test_a_model_with_save_signals_is_refused():
    def receiver(**kwargs):
        raise AssertionError("never called")

    post_save.connect(receiver, sender=InboundDelivery, weak=False)
    try:
        with pytest.raises(TypeError, match="save signals"):
            insert(delivery())
    finally:
        post_save.disconnect(receiver, sender=InboundDelivery)
    assert not InboundDelivery.objects.exists()


def test_an_expression_is_refused():
    with pytest.raises(TypeError, match="expressions"):
        insert(delivery(attempts=F("attempts") + 1))
    assert not InboundDelivery.objects.exists()
