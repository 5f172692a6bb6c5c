"""The catalogue itself: complete against the v3 spec, and every text fills in cleanly."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from erpclient import errors as e
from errorguide import CATALOGUE, Owner, explain, explain_background_failure
from errorguide.catalogue import Link
from errorguide.explain import _explanation

# Screen ids a Visma article names (errorguide/screens.py): no other id may be shown.
CONFIRMED_SCREEN_IDS = {
    "CS201010",
    "AR303000",
    "AP303000",
    "TX2060PL",
    "TX2055PL",
    "IN202000",
    "IN202500",
    "IN204500",
    "SO30100S",
}


def _spec_codes() -> list[str]:
    spec = resources.files("erpsim.specs").joinpath(
        "visma-net-salesorders-v3-openapi-1.0.14.784.json"
    )
    data = json.loads(spec.read_text(encoding="utf-8"))
    return [row["code"] for row in data["components"]["x-visma-erp-error-codes"]]


def test_every_v3_validation_code_the_spec_lists_has_an_entry():
    codes = _spec_codes()
    assert len(codes) == 83
    missing = [code for code in codes if f"v3:{code}" not in CATALOGUE]
    assert missing == []


def test_the_catalogue_names_no_code_the_spec_does_not_list():
    listed = {f"v3:{code}" for code in _spec_codes()}
    extra = [key for key in CATALOGUE if key.startswith("v3:") and key not in listed]
    assert extra == []


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_entry_fills_in_without_leftovers(key):
    explanation = _explanation(
        key, {"company": "Nordlys Handel AS", "isv": "Acme Integrations", "detail": "x"}
    )
    texts = [explanation.title, explanation.meaning, *explanation.actions]
    if explanation.customer_message:
        texts.append(explanation.customer_message)
        assert "Nordlys Handel AS" in explanation.customer_message
        assert "Acme Integrations" in explanation.customer_message
    for text in texts:
        assert text and "{" not in text and "}" not in text, text
    assert explanation.owner in Owner
    assert all(link in Link for link in explanation.links)
    for screen in explanation.screens:
        assert screen.screen_id is None or screen.screen_id in CONFIRMED_SCREEN_IDS


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_without_a_company_name_no_sentence_is_left_with_a_hole(key):
    explanation = _explanation(key, {})
    for text in (explanation.title, explanation.meaning, *explanation.actions):
        assert " ." not in text and "  " not in text, text


def test_an_entry_the_customer_must_act_on_has_a_message_for_them():
    customer_side = [
        entry
        for entry in CATALOGUE.values()
        if entry.owner is Owner.CUSTOMER_ADMIN and entry.issue_kind is None
    ]
    assert customer_side
    without = [entry.key for entry in customer_side if not entry.customer_message]
    assert without == []


def test_a_background_operation_that_failed_with_a_vat_error_is_explained():
    reading = explain_background_failure(
        400,
        "VismaId: 0e8b. TaxID '01' cannot be found in the system.",
        method="POST",
        path="/v1/supplierInvoice/Invoice/000123/action/release",
        company="Nordlys Handel AS",
    )
    assert reading.first.key == "vat_id_not_found"
    assert "01" in reading.first.title
    assert "TX2060PL" in " ".join(str(screen) for screen in reading.first.screens)
    assert "Nordlys Handel AS" in reading.first.customer_message


def test_a_failed_background_operation_the_catalogue_does_not_know_is_shown_raw():
    reading = explain_background_failure(500, "Object reference not set to an instance")
    assert reading.first.key == "erp_unavailable"
    reading = explain_background_failure(418, "I am a teapot")
    assert not reading.known
    assert reading.first.title == "An ERP error that is not in the catalogue yet"
    assert "I am a teapot" in reading.raw


def test_the_docs_list_every_entry():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "errorguide.md").read_text()
    missing = [key for key in CATALOGUE if f"`{key.removeprefix('v3:')}`" not in doc]
    assert missing == []


def test_a_request_the_client_kept_back_says_when_it_may_go_and_quotes_no_erp_answer():
    refused = e.RepeatedRequestRefused(
        "not sent: the same request was sent 5 times in the last minute",
        reason="the same request was sent 5 times in the last minute",
        wait_seconds=41.2,
        method="GET",
        path="/v1/supplierInvoice/Invoice/1",
    )
    first = explain(refused).first
    assert first.key == "repeated_request"
    assert "Here, the same request was sent 5 times in the last minute." in first.meaning
    assert first.meaning.endswith("It can be sent again in 42 seconds.")
    assert first.erp_message is None  # nothing was sent, so the ERP said nothing
    held = explain(e.BudgetHeld("held", reason="all 1,000 calls of this hour are used")).first
    assert held.meaning == "All 1,000 calls of this hour are used." and held.erp_message is None
