"""Creating an order exactly once: the pending row, the ERP call, the result and its audit; a
repeat submit; a lost answer settled by a GET (or left unknown, said plainly); the budget hold."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError

from operations.orders import services
from operations.orders.models import Outcome, PortalOrder
from portal.models import AuditEvent
from tests.conftest import sandbox_away_from_the_hour

pytestmark = pytest.mark.django_db(transaction=True)


def command(number="", order_type="SO", **extra):
    body = {
        "type": order_type,
        "customer": {"id": "10000"},
        "description": "From the portal tests",
        "orderLines": [{"inventoryId": "STOCKITEM1", "quantity": 2}],
        **extra,
    }
    if number:
        body["orderId"] = number
    return body


def test_a_create_sends_once_and_records_the_result_and_its_audit(
    tenant, operator, posted_orders, erp_orders
):
    result = services.order_create(
        actor=operator, tenant=tenant, token=uuid.uuid4(), command=command("WEB-000101")
    )

    order = PortalOrder.objects.get()
    assert result.order.pk == order.pk and not result.repeated
    assert (order.outcome, order.erp_order_id, order.settled_by) == (
        Outcome.CREATED,
        "WEB-000101",
        "answer",
    )
    assert order.etag and order.lines_count == 1 and order.created_by == operator
    assert len(posted_orders()) == 1 and erp_orders(tenant)[0] == "WEB-000101"
    event = AuditEvent.objects.get(action="sales_order.create")
    assert event.actor == operator
    assert event.details["outcome"] == "created" and event.details["order_id"] == "WEB-000101"


def test_the_same_form_sent_twice_shows_the_first_result_and_sends_nothing(
    tenant, operator, posted_orders
):
    token = uuid.uuid4()
    first = services.order_create(
        actor=operator, tenant=tenant, token=token, command=command("WEB-000102")
    )
    again = services.order_create(
        actor=operator, tenant=tenant, token=token, command=command("WEB-000102")
    )

    assert again.repeated and again.order.pk == first.order.pk
    assert again.order.outcome == Outcome.CREATED
    assert len(posted_orders()) == 1 and PortalOrder.objects.count() == 1


def test_a_lost_answer_with_our_own_number_is_settled_by_a_get(
    tenant, operator, sandbox, posted_orders, erp_orders
):
    # The create is carried out and its answer lost; so are the answers to the client's two
    # resends (the ERP answered them 409). The portal then asks the ERP, which has the order.
    for _ in range(3):
        sandbox.control("POST", "/_sandbox/faults/lost-answer", {"tenant_id": tenant.tenant_id})

    result = services.order_create(
        actor=operator, tenant=tenant, token=uuid.uuid4(), command=command("WEB-000103")
    )

    assert result.order.outcome == Outcome.CREATED and result.order.settled_by == "get"
    assert erp_orders(tenant).count("WEB-000103") == 1
    assert [entry["fault"] for entry in posted_orders()] == ["lost_answer_reset"] * 3
    gets = [
        e
        for e in sandbox.control("GET", "/_sandbox/requests?limit=50")
        if e["method"] == "GET" and e["path"] == "/api/v3/SalesOrders/SO/WEB-000103"
    ]
    assert len(gets) == 1


def test_a_lost_answer_once_is_resent_and_the_erps_409_settles_it(tenant, operator, sandbox):
    sandbox.control("POST", "/_sandbox/faults/lost-answer", {"tenant_id": tenant.tenant_id})

    result = services.order_create(
        actor=operator, tenant=tenant, token=uuid.uuid4(), command=command("WEB-000104")
    )

    assert result.order.outcome == Outcome.CREATED and result.order.settled_by == "get"


def test_a_lost_answer_without_our_own_number_is_unknown_and_never_resent(
    tenant, operator, sandbox, posted_orders
):
    sandbox.control("POST", "/_sandbox/faults/lost-answer", {"tenant_id": tenant.tenant_id})

    result = services.order_create(
        actor=operator, tenant=tenant, token=uuid.uuid4(), command=command(order_type="QT")
    )

    assert result.order.outcome == Outcome.UNKNOWN
    assert "cannot ask whether the order was made" in result.order.outcome_detail
    assert len(posted_orders()) == 1
    assert AuditEvent.objects.get(action="sales_order.create").details["outcome"] == "unknown"


def test_an_unknown_outcome_is_settled_later_by_checking(tenant, operator, sandbox, monkeypatch):
    # The ERP does not answer at all (connection reset on every try): unknown, with the number.
    real_settle = services._settle_by_get
    monkeypatch.setattr(
        services,
        "_settle_by_get",
        lambda erp, **kw: services._Answer(Outcome.UNKNOWN, "could not be asked"),
    )
    for _ in range(3):
        sandbox.control("POST", "/_sandbox/faults/lost-answer", {"tenant_id": tenant.tenant_id})
    result = services.order_create(
        actor=operator, tenant=tenant, token=uuid.uuid4(), command=command("WEB-000105")
    )
    assert result.order.outcome == Outcome.UNKNOWN
    monkeypatch.setattr(services, "_settle_by_get", real_settle)

    settled = services.order_settle(actor=operator, order=result.order)

    assert settled.outcome == Outcome.CREATED and settled.erp_order_id == "WEB-000105"
    assert AuditEvent.objects.filter(action="sales_order.settle").count() == 1


def test_a_refused_order_keeps_the_erps_codes_for_the_form(tenant, operator):
    body = command("WEB-000106")
    body["orderLines"].append({"inventoryId": "NO-SUCH-ITEM", "quantity": 1})

    result = services.order_create(actor=operator, tenant=tenant, token=uuid.uuid4(), command=body)

    assert result.order.outcome == Outcome.REJECTED and result.error is not None
    assert ["1804-InventoryIdNotFound", "orderLines[1].inventoryId"] in [
        [code, prop] for code, _, prop in result.order.error_codes
    ]


def test_a_number_taken_in_the_erp_is_refused_in_words(tenant, operator):
    services.order_create(
        actor=operator, tenant=tenant, token=uuid.uuid4(), command=command("WEB-000107")
    )
    # Another portal row for the same number would be stopped locally; make the first one not
    # hold its number any more, as if it had been refused, to reach the ERP's 409.
    PortalOrder.objects.update(outcome=Outcome.REJECTED)

    result = services.order_create(
        actor=operator, tenant=tenant, token=uuid.uuid4(), command=command("WEB-000107")
    )

    assert result.order.outcome == Outcome.REJECTED
    assert "already taken in the ERP" in result.order.outcome_detail


def test_our_own_number_is_used_once_by_the_portal(tenant, operator, posted_orders):
    services.order_create(
        actor=operator, tenant=tenant, token=uuid.uuid4(), command=command("WEB-000108")
    )

    with pytest.raises(ValidationError) as raised:
        services.order_create(
            actor=operator, tenant=tenant, token=uuid.uuid4(), command=command("WEB-000108")
        )

    assert "order_id" in raised.value.message_dict
    assert len(posted_orders()) == 1


def test_a_company_at_its_limit_is_held_with_its_figures_and_nothing_is_sent(
    erp_settings, make_tenant, operator, sandbox, posted_orders
):
    tenant = make_tenant("healthy", "test")
    # The ERP says one call is left; a cheap read spends it and the portal learns the hour is used.
    sandbox_away_from_the_hour(sandbox)
    sandbox.control(
        "POST",
        "/_sandbox/usage",
        {"tenant_id": tenant.tenant_id, "client_id": tenant.api_client.client_id, "used": 499},
    )
    from operations.erp import StaffClient

    with StaffClient(tenant) as erp:
        erp.client.order_types.list()
    token = uuid.uuid4()

    with pytest.raises(services.OrderHeld) as held:
        services.order_create(
            actor=operator, tenant=tenant, token=token, command=command("WEB-000109")
        )

    assert held.value.message.startswith(
        f"{tenant.display_name} has used 500 of 500 calls this hour"
    )
    assert "the window resets at" in held.value.message
    assert posted_orders() == [] and not PortalOrder.objects.exists()
    assert AuditEvent.objects.filter(action="sales_order.create_held").count() == 1


def test_own_numbers_are_handed_out_once_each(tenant):
    first = services.own_number_take(tenant=tenant)
    second = services.own_number_take(tenant=tenant)

    assert (first, second) == ("WEB-000001", "WEB-000002")


def test_a_row_left_pending_by_a_stopped_worker_can_be_checked(tenant, operator, erp_orders):
    from datetime import timedelta

    from django.utils import timezone

    body = command("WEB-000110")
    services.order_create(actor=operator, tenant=tenant, token=uuid.uuid4(), command=body)
    PortalOrder.objects.update(outcome=Outcome.PENDING)
    order = PortalOrder.objects.get()
    with pytest.raises(ValidationError):
        services.order_settle(actor=operator, order=order)  # pending, but not stale yet
    PortalOrder.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    order.refresh_from_db()

    settled = services.order_settle(actor=operator, order=order)

    assert settled.outcome == Outcome.CREATED and settled.settled_by == "get"


def test_the_erps_own_429_holds_the_create_and_says_until_when(
    erp_settings, make_tenant, operator, sandbox, posted_orders
):
    tenant = make_tenant("healthy", "test")
    sandbox_away_from_the_hour(sandbox)  # the spent hour must not end mid-test
    body = {"tenant_id": tenant.tenant_id, "client_id": tenant.api_client.client_id, "used": 0}
    limit = sandbox.control("POST", "/_sandbox/usage", body)["limit"]
    # The ERP's hour is spent, and the portal does not know it yet: the ERP answers 429.
    sandbox.control("POST", "/_sandbox/usage", {**body, "used": limit})

    with pytest.raises(services.OrderHeld) as held:
        services.order_create(
            actor=operator, tenant=tenant, token=uuid.uuid4(), command=command("WEB-000111")
        )

    assert "429 Too Many Requests" in held.value.message and "held until" in held.value.message
    assert [e["status"] for e in posted_orders()] == [429]
    assert not PortalOrder.objects.exists()


def test_the_erps_order_list_shows_an_order_the_portal_just_created(tenant, operator):
    from operations.orders import selectors

    before = selectors.erp_orders(tenant)
    assert selectors.erp_orders(tenant).copy_seconds  # the second view is the portal's copy
    services.order_create(
        actor=operator, tenant=tenant, token=uuid.uuid4(), command=command("WEB-000177")
    )
    after = selectors.erp_orders(tenant)
    assert after.copy_seconds == 0 and after.cost is not None
    assert "WEB-000177" in [row.order_id for row in after.rows]
    assert "WEB-000177" not in [row.order_id for row in before.rows]
