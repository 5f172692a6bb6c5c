"""The URL of a console call, its ledger family and "copy as curl"."""

from __future__ import annotations

import shlex

import pytest

from operations.console.paths import TOKEN_PLACEHOLDER, curl, family_of, fill_path, full_path


def test_path_values_are_escaped_and_an_empty_one_is_refused():
    template = "/v1/supplierInvoice/{documentType}/{invoiceNumber}"
    filled = fill_path(template, {"documentType": "Invoice", "invoiceNumber": "A/B 1"})
    assert filled == "/v1/supplierInvoice/Invoice/A%2FB%201"
    with pytest.raises(ValueError, match="invoiceNumber is required"):
        fill_path(template, {"documentType": "Invoice", "invoiceNumber": " "})
    kept = fill_path(template, {"documentType": "Invoice"}, keep_missing=True)
    assert kept == "/v1/supplierInvoice/Invoice/{invoiceNumber}"


@pytest.mark.parametrize(
    ("template", "family"),
    [
        ("/v1/supplierInvoice/{invoiceNumber}", "supplierInvoice"),
        ("/v2/salesorder", "salesorder"),
        ("/api/v3/SalesOrders/{type}/{orderId}", "salesorders"),
        ("/v1/background/{requestId}/content", "background"),
    ],
)
def test_the_ledger_family_is_the_segment_after_the_version(template, family):
    assert family_of(template) == family


def test_the_query_is_encoded_as_erpclient_sends_it():
    assert (
        full_path("/v1/supplierInvoice", {"lastModifiedDateTimeCondition": ">=", "status": None})
        == "/v1/supplierInvoice?lastModifiedDateTimeCondition=%3E%3D"
    )


def test_curl_has_a_placeholder_for_the_token_and_quotes_what_it_must():
    text = curl(
        method="PUT",
        base_url="https://api.finance.visma.net/",
        path="/v1/supplierInvoice/1?x=a'b",
        if_match='"AAAAAE0YIiI="',
        background="none",
        body='{"description": {"value": "it\'s"}}',
        company_id=4712001,
    )
    words = shlex.split(text.replace("\\\n", " "))
    assert words[:4] == [
        "curl",
        "-X",
        "PUT",
        "https://api.finance.visma.net/v1/supplierInvoice/1?x=a'b",
    ]
    assert f"Authorization: Bearer {TOKEN_PLACEHOLDER}" in words
    assert 'If-Match: "AAAAAE0YIiI="' in words
    assert "ipp-company-id: 4712001" in words
    assert words[-1] == '{"description": {"value": "it\'s"}}'
