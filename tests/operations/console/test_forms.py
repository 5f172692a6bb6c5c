"""The console's form from a sample of operations: every kind of parameter, and what it makes of
the values (no ERP involved: the form is built from the spec alone)."""

from __future__ import annotations

import pytest
from django import forms

from erpspecs import specs
from operations.console.forms import OperationForm


def _form(key: str, data: dict | None = None) -> OperationForm:
    return OperationForm(specs().get(key), data, company="Nordlys Handel AS")


@pytest.mark.parametrize(
    ("key", "field", "kind"),
    [
        ("financials.Account_GetByaccountCd", "path__accountCd", forms.CharField),
        ("financials.Contact_GetBycontactId", "path__contactId", forms.IntegerField),
        (
            "financials.Inventory_UpdateInventoryCrossReferencesByinventoryNumberalternateTypealternateId",
            "path__alternateType",
            forms.ChoiceField,
        ),
        ("financials.Account_GetAll", "query__active", forms.ChoiceField),
        ("financials.Account_GetAll", "query__numberToRead", forms.IntegerField),
        ("financials.Account_GetAll", "query__lastModifiedDateTimeCondition", forms.ChoiceField),
        ("financials.SalesPerson_GetSalespersons", "query__commissionPct", forms.DecimalField),
        ("financials.Inventory_GetAll", "query__inventoryTypes", forms.CharField),
        ("financials.Branch_GetAllBranches", "query__lastModifiedDateTime", forms.CharField),
        ("financials.Account_GetAll", "header__erp-api-background", forms.ChoiceField),
        ("salesorders.SalesOrders_Patch_typeorderId", "header__If-Match", forms.CharField),
        ("salesorders.SalesOrders_GetList_", "query__modifiedSince", forms.CharField),
    ],
)
def test_each_parameter_kind_gets_its_field(key, field, kind):
    form = _form(key)
    assert isinstance(form.fields[field], kind)


def test_path_parameters_are_required_and_query_ones_are_not():
    form = _form("financials.Contact_GetBycontactId", {})
    assert not form.is_valid()
    assert "path__contactId" in form.errors
    assert _form("financials.Account_GetAll", {}).is_valid()


def test_values_become_the_request_to_send():
    form = _form(
        "financials.Inventory_GetAll",
        {
            "query__inventoryTypes": "StockItem, NonStockItem",
            "query__lastModifiedDateTime": "2026-06-01T00:00:00",
            "query__lastModifiedDateTimeCondition": "<=",
            "header__erp-api-background": "",
        },
    )
    assert form.is_valid(), form.errors
    sent = form.request_to_send
    assert sent.query == {
        "inventoryTypes": ["StockItem", "NonStockItem"],
        "lastModifiedDateTime": "2026-06-01T00:00:00",
        "lastModifiedDateTimeCondition": "<=",
    }
    assert sent.background is None and sent.if_match is None and sent.body is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"query__commissionPct": "a lot"}, "query__commissionPct"),
        ({"query__lastModifiedDateTimeCondition": "=="}, "query__lastModifiedDateTimeCondition"),
    ],
)
def test_values_of_the_wrong_kind_are_refused(data, field):
    key = (
        "financials.SalesPerson_GetSalespersons"
        if "commission" in field
        else "financials.Account_GetAll"
    )
    form = _form(key, data)
    assert not form.is_valid() and field in form.errors


def test_a_v3_date_time_must_be_iso_8601():
    form = _form("salesorders.SalesOrders_GetList_", {"query__modifiedSince": "yesterday"})
    assert not form.is_valid()
    assert "2026-06-01T00:00:00+00:00" in str(form.errors["query__modifiedSince"])
    ok = _form("salesorders.SalesOrders_GetList_", {"query__modifiedSince": "2026-06-01T00:00:00Z"})
    assert ok.is_valid(), ok.errors


def test_a_v3_order_body_is_checked_before_sending():
    form = _form(
        "salesorders.SalesOrders_CreateNewItem_",
        {"body": '{"type": "SO"}', "confirm_company": "on"},
    )
    assert not form.is_valid()
    messages = form.errors["body"]
    assert messages[0].startswith("Nothing was sent")
    assert any("'customer' is a required property" in m for m in messages)
    assert form.request_to_send is None


def test_a_write_is_confirmed_by_naming_the_company():
    form = _form("salesorders.SalesOrders_CreateNewItem_")
    assert form.fields["confirm_company"].label == "Send this POST to Nordlys Handel AS"
    delete = _form("salesorders.SalesOrders_Delete_typeorderId")
    assert "Nordlys Handel AS" in delete.fields["confirm_delete"].label
