"""The order form: a header and up to ``MAX_LINES`` lines, checked as the v3 spec checks a
``NewSalesOrderCommand`` (required fields, lengths, enums, ranges) before anything is sent, and
turned into that command exactly (``command``), which is also what the preview shows."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from portal.inputs import DateField

from .models import ORDER_ID_MAX

MAX_LINES = 200
PREFIX = "lines"

# v3 NewSalesOrderCommand / NewSalesOrderLineDto limits (SO-v3 1.0.14).
DESCRIPTION_MAX = 255
CUSTOMER_TEXT_MAX = 40
CURRENCY_MAX = 5
LINE_DESCRIPTION_MAX = 256
UNIT_MAX = 6
# Ids have no maxLength in the spec; these are the ERP's own column widths, generous.
CUSTOMER_ID_MAX = 30
ITEM_ID_MAX = 30
WAREHOUSE_MAX = 10
SUPPLIER_MAX = 15
AMOUNT_MAX = Decimal("999999999")

NONE = "none"
SOURCE_CHOICES = [
    (NONE, "None"),
    ("purchaseToOrder", "Purchase to order"),
    ("dropShip", "Drop ship"),
]
PO_SOURCES = {"purchaseToOrder", "dropShip"}
SOURCE_LABELS = dict(SOURCE_CHOICES)
STATUS_CHOICES = [("", "The ERP's default"), ("Open", "Open"), ("Hold", "On hold")]

_MARKUP = re.compile(r"<\s*[A-Za-z/!?]")


def no_markup(value: str) -> None:
    if value and _MARKUP.search(value):
        raise ValidationError(
            "Remove the HTML (text in angle brackets such as <b>): the ERP stores and prints "
            "this text as typed.",
            code="markup",
        )


code_like = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._/-]*$",
    "Use letters, digits and . _ / - only (no spaces).",
    code="code",
)


def _text(label: str, max_length: int, **kwargs: Any) -> forms.CharField:
    kwargs.setdefault("required", False)
    return forms.CharField(
        label=label, max_length=max_length, validators=[no_markup], strip=True, **kwargs
    )


def _code(label: str, max_length: int, **kwargs: Any) -> forms.CharField:
    kwargs.setdefault("required", False)
    return forms.CharField(
        label=label, max_length=max_length, validators=[code_like], strip=True, **kwargs
    )


class OrderHeaderForm(forms.Form):
    order_type = forms.ChoiceField(label="Order type")
    order_id = _code(
        "Order number",
        ORDER_ID_MAX,
        help_text="Proposed by the portal so that a resent create is refused, not doubled. "
        "You may change it.",
    )
    customer_id = _code(
        "Customer",
        CUSTOMER_ID_MAX,
        required=True,
        help_text="Type part of the name or number and pick from the list.",
    )
    customer_name = forms.CharField(required=False, widget=forms.HiddenInput, max_length=255)
    customer_currency = forms.CharField(required=False, widget=forms.HiddenInput, max_length=5)
    location_id = forms.ChoiceField(label="Delivery location", required=False)
    date = DateField(label="Order date", required=False)
    request_on = DateField(label="Requested date", required=False)
    customer_ref = _text("Customer reference", CUSTOMER_TEXT_MAX)
    customer_order = _text("Customer's order number", CUSTOMER_TEXT_MAX)
    description = _text("Description", DESCRIPTION_MAX, widget=forms.TextInput)
    currency_id = _code(
        "Order currency",
        CURRENCY_MAX,
        help_text="Leave empty for the customer's currency; only some customers allow another.",
    )
    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)

    def __init__(self, *args: Any, types: list[dict], locations: list[dict], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.types = {row["id"]: row for row in types}
        self.fields["order_type"].choices = [
            (
                row["id"],
                f"{row['id']}: {row['description']}"
                + (" (own number allowed)" if row["manual"] else " (numbered by the ERP)"),
            )
            for row in types
        ]
        self.fields["location_id"].choices = [("", "The customer's default")] + [
            (row["id"], f"{row['id']}: {row['name']}") for row in locations
        ]

    def manual(self, order_type: str | None) -> bool:
        row = self.types.get(order_type or "")
        return bool(row and row["manual"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        order_type = data.get("order_type")
        if order_type and not self.manual(order_type):
            # The type numbers its orders itself: the field is not shown and nothing is sent.
            data["order_id"] = ""
        elif order_type and not data.get("order_id") and "order_id" not in self.errors:
            self.add_error(
                "order_id",
                "Give the order a number: with its own number a resent create cannot make a "
                "second order.",
            )
        return data


class OrderLineForm(forms.Form):
    inventory_id = _code("Item", ITEM_ID_MAX, required=True)
    description = _text("Line description", LINE_DESCRIPTION_MAX)
    quantity = forms.DecimalField(
        label="Quantity", min_value=Decimal("0.0001"), max_value=AMOUNT_MAX, decimal_places=4
    )
    unit = _code("Unit", UNIT_MAX)
    unit_price = forms.DecimalField(
        label="Unit price",
        required=False,
        min_value=0,
        max_value=AMOUNT_MAX,
        decimal_places=4,
        help_text="Empty: the ERP's price.",
    )
    warehouse_id = _code("Warehouse", WAREHOUSE_MAX)
    discount_percent = forms.DecimalField(
        label="Discount %",
        required=False,
        min_value=-100,
        max_value=100,
        decimal_places=2,
    )
    purchase_order_source = forms.ChoiceField(
        label="Purchase", choices=SOURCE_CHOICES, required=False, initial=NONE
    )
    # The item's default source when it was picked ("" for none), to label the preset.
    source_default = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)
    supplier_id = _code("Supplier", SUPPLIER_MAX)
    # The ERP's price of the picked item, shown as the unit price's placeholder; never sent.
    erp_price = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        source = data.get("purchase_order_source") or NONE
        data["purchase_order_source"] = source
        if data.get("supplier_id") and source not in PO_SOURCES:
            self.add_error(
                "supplier_id",
                "A supplier can be chosen only on a line marked for purchase (purchase to "
                "order or drop ship); the ERP refuses it otherwise.",
            )
        return data

    @property
    def source_is_item_default(self) -> bool:
        default = self["source_default"].value()
        return default not in (None, "") and self["purchase_order_source"].value() == default


class BaseLineFormSet(forms.BaseFormSet):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": f"An order can have at most {MAX_LINES} lines. Split it into two orders.",
        "too_few_forms": "Add at least one line.",
        "missing_management_form": "The form's lines were not sent completely. Reload the page; "
        "nothing was sent.",
    }


LineFormSet = forms.formset_factory(
    OrderLineForm,
    formset=BaseLineFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_LINES,
    validate_max=True,
    absolute_max=MAX_LINES,
)


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def command(header: dict[str, Any], lines: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``NewSalesOrderCommand`` for cleaned form data: only what was given, the spec's
    names, a line's purchase source always explicit ("" for none, which v3 reads as none)."""
    customer: dict[str, Any] = {"id": header["customer_id"]}
    for key, name in (("location_id", "locationId"), ("customer_order", "order")):
        if header.get(key):
            customer[name] = header[key]
    if header.get("customer_ref"):
        customer["refNo"] = header["customer_ref"]
    body: dict[str, Any] = {"type": header["order_type"], "customer": customer}
    optional = {
        "orderId": header.get("order_id") or None,
        "description": header.get("description") or None,
        "status": header.get("status") or None,
        "date": header["date"].isoformat() if header.get("date") else None,
        "requestOn": header["request_on"].isoformat() if header.get("request_on") else None,
        "currencyId": header.get("currency_id") or None,
    }
    body.update({key: value for key, value in optional.items() if value is not None})
    body["orderLines"] = [_line(line) for line in lines]
    return body


def _line(line: dict[str, Any]) -> dict[str, Any]:
    source = line.get("purchase_order_source") or NONE
    values = {
        "inventoryId": line["inventory_id"],
        "quantity": _number(line.get("quantity")),
        "unitOfMeasure": line.get("unit") or None,
        "unitPrice": _number(line.get("unit_price")),
        "description": line.get("description") or None,
        "warehouseId": line.get("warehouse_id") or None,
        "discountPercent": _number(line.get("discount_percent")),
        "purchaseOrderSource": "" if source == NONE else source,
        "supplierId": line.get("supplier_id") or None,
    }
    return {key: value for key, value in values.items() if value is not None}
