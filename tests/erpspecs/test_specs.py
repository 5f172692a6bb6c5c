"""The specs the project ships: every operation of both, grouped and searchable, bodies checked
against their schemas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import erpsim.specs
from erpspecs import Api, BodyRefused, parse_body, skeleton, specs
from erpspecs.loader import read_document


def test_every_operation_of_both_real_specs_is_there():
    all_specs = specs()
    financials = [op for op in all_specs.operations if op.api is Api.FINANCIALS]
    salesorders = [op for op in all_specs.operations if op.api is Api.SALESORDERS]
    # 383 paths in the Financials spec, 13 (19 operations) in SalesOrders v3 (SOURCES).
    assert len({op.path for op in financials}) == 383
    assert len({op.path for op in salesorders}) == 13
    assert len(salesorders) == 19
    assert len(all_specs.by_key) == len(all_specs.operations)


def test_operations_are_grouped_by_api_and_tag_like_swagger_ui():
    groups = specs().groups()
    names = [(group.api, group.tag) for group in groups]
    assert (Api.FINANCIALS, "SupplierInvoice") in names
    assert (Api.SALESORDERS, "SalesOrders") in names
    assert len(names) == len(set(names))
    invoice = next(g for g in groups if g.tag == "SupplierInvoice")
    assert all(op.tag == "SupplierInvoice" for op in invoice.operations)


def test_search_needs_every_word():
    found = specs().search("supplierinvoice release")
    assert found and all(
        "supplierinvoice" in op.search_text and "release" in op.search_text for op in found
    )
    assert any(op.path.endswith("/action/release") for op in found)
    assert specs().search("no-such-thing-anywhere") == ()


def test_the_parameters_of_the_supplier_invoice_list_have_every_kind():
    op = specs().get("financials.SupplierInvoice_GetAllInvoices")
    kinds = {p.name: p.kind for p in op.parameters}
    assert kinds["lastModifiedDateTimeCondition"] == "condition"
    assert kinds["lastModifiedDateTime"] == "text"
    assert kinds["status"] == "choice"
    assert kinds["expandAttachment"] == "boolean"
    assert kinds["pageNumber"] == "integer"
    assert op.of("header")[0].name == "erp-api-background"


def test_v3_order_changes_offer_if_match_though_the_spec_does_not_declare_it():
    changes = [
        op
        for op in specs().operations
        if op.api is Api.SALESORDERS and op.is_write and "{orderId}" in op.path
    ]
    assert changes
    for op in changes:
        if_match = [p for p in op.parameters if p.name == "If-Match"]
        assert len(if_match) == 1 and if_match[0].added


def test_a_body_the_schema_accepts_is_parsed():
    op = specs().get("financials.SupplierInvoice_PutByinvoiceNumber")
    assert parse_body(op, '{"description": {"value": "Freight"}}') == {
        "description": {"value": "Freight"}
    }


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"description": ', "not valid JSON"),
        ('{"description": "Freight"}', "is not of type 'object'"),
        ("[1, 2]", "is not of type 'object'"),
    ],
)
def test_a_body_that_is_not_json_or_not_the_schema_is_refused(text, words):
    op = specs().get("financials.SupplierInvoice_PutByinvoiceNumber")
    with pytest.raises(BodyRefused) as refused:
        parse_body(op, text)
    assert any(words in str(problem) for problem in refused.value.problems)


def test_a_v3_order_without_its_required_fields_is_refused_with_each_named():
    op = specs().get("salesorders.SalesOrders_CreateNewItem_")
    with pytest.raises(BodyRefused) as refused:
        parse_body(op, '{"type": "SO", "bogus": 1}')
    text = " ".join(str(p) for p in refused.value.problems)
    assert "'customer' is a required property" in text
    assert "'bogus' was unexpected" in text


def test_an_operation_without_a_body_refuses_one():
    op = specs().get("financials.SupplierInvoice_GetAllInvoices")
    assert parse_body(op, "") is None
    with pytest.raises(BodyRefused):
        parse_body(op, "{}")


def test_the_skeleton_of_every_body_is_json_and_its_top_level_fits_the_schema_keys():
    for op in specs().operations:
        if op.body_schema is None:
            assert skeleton(op.key) == ""
            continue
        json.loads(skeleton(op.key))


def test_the_shipped_copies_match_the_sandboxs_copies_of_the_same_sources():
    """The sandbox keeps its own (trimmed) copies of the same snapshots; where they overlap, the
    content is the same: nothing was edited on the way."""
    folder = Path(erpsim.specs.__file__).parent
    v3 = json.loads((folder / "visma-net-salesorders-v3-openapi-1.0.14.784.json").read_text())
    assert read_document(Api.SALESORDERS) == v3
    trimmed = json.loads(
        (folder / "visma-net-erp-api-openapi3-v1-2025-05.trimmed.json").read_text()
    )
    financials = read_document(Api.FINANCIALS)
    assert trimmed["paths"]
    for path, item in trimmed["paths"].items():
        assert financials["paths"][path] == item


def test_only_what_the_request_bodies_need_is_kept_in_memory():
    kept = specs().document(Api.FINANCIALS)["components"]["schemas"]
    whole = read_document(Api.FINANCIALS)["components"]["schemas"]
    assert "SupplierInvoiceUpdateDto" in kept and "DtoValueOfString" in kept
    assert "SupplierInvoiceDto" not in kept  # an answer's schema
    assert len(kept) < len(whole) / 2
