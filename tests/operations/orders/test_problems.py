"""Every 400 code the sandbox emits for a create lands on the right field and line of the form,
in the guide's words with the code beside it."""

from __future__ import annotations

import pytest

from operations.orders.problems import HEADER_FIELDS, LINE_FIELDS, place
from tests.erpsim.helpers import erp
from tests.erpsim.test_order_form import CASES


@pytest.fixture
def http(sandbox):
    with erp(sandbox) as client:
        yield client


def _details(http, body):
    if isinstance(body, bytes):
        response = http.post(
            "/api/v3/SalesOrders", content=body, headers={"Content-Type": "application/json"}
        )
    else:
        response = http.post("/api/v3/SalesOrders", json=body)
    assert response.status_code == 400
    return [
        (d["code"], d["message"], d["parameters"].get("property"))
        for d in response.json()["details"]
    ]


@pytest.mark.parametrize(("code", "prop"), sorted(CASES), ids=["|".join(k) for k in sorted(CASES)])
def test_every_code_the_sandbox_emits_is_placed_with_its_code(http, code, prop):
    details = _details(http, CASES[(code, prop)])
    mine = [d for d in details if (d[0], d[2]) == (code, prop)]

    placed = place(mine)

    [text] = placed.summary
    assert text.endswith(f"({code})")
    if prop.startswith("orderLines[0]."):
        field, label = LINE_FIELDS.get(prop.split(".", 1)[1], ("__all__", None))
        assert placed.lines[0][field] == [text]
        assert text.startswith("Line 1, ")
    elif prop in HEADER_FIELDS:
        field, label = HEADER_FIELDS[prop]
        assert placed.header[field] == [text] and text.startswith(f"{label}: ")
    else:
        assert placed.general == [text]


def test_the_issues_example_reads_as_written():
    placed = place(
        [("1804-InventoryIdNotFound", "Inventory item not found", "orderLines[1].inventoryId")]
    )

    assert placed.lines[1]["inventory_id"] == [
        "Line 2, item: not found in the ERP (1804-InventoryIdNotFound)"
    ]


def test_a_manual_number_on_a_self_numbering_type_says_so():
    placed = place([("0004-ValueNotAllowed", "Value not allowed", "orderId")])

    assert placed.header["order_id"] == [
        "Order number: this order type numbers its orders itself (0004-ValueNotAllowed)"
    ]
