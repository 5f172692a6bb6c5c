"""One token per rendered form: it names its user, kind and scope, and it expires."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portal import form_tokens


def test_a_token_reads_back_as_the_same_id_for_its_own_user_kind_and_scope(operator):
    token = form_tokens.issue(user=operator, kind="sales_order", scope="7")
    first = form_tokens.read(token, user=operator, kind="sales_order", scope="7")
    assert first == form_tokens.read(token, user=operator, kind="sales_order", scope="7")
    other = form_tokens.issue(user=operator, kind="sales_order", scope="7")
    assert form_tokens.read(other, user=operator, kind="sales_order", scope="7") != first


@pytest.mark.parametrize(
    "change",
    [{"kind": "invoice_action"}, {"scope": "8"}, {"user": "other"}],
)
def test_a_token_is_refused_for_another_user_kind_or_scope(operator, admin, change):
    token = form_tokens.issue(user=operator, kind="sales_order", scope="7")
    arguments = {"user": operator, "kind": "sales_order", "scope": "7", **change}
    if arguments["user"] == "other":
        arguments["user"] = admin
    with pytest.raises(ValidationError) as caught:
        form_tokens.read(token, **arguments)
    assert "nothing was sent" in caught.value.messages[0]


@pytest.mark.parametrize("value", ["", "not-a-token", "x" * 5000])
def test_a_forged_or_empty_token_is_refused(operator, value):
    with pytest.raises(ValidationError):
        form_tokens.read(value, user=operator, kind="sales_order")


def test_an_old_token_is_refused_with_how_old_it_may_be(operator, settings):
    token = form_tokens.issue(user=operator, kind="sales_order")
    settings.PORTAL_FORM_TOKEN_MAX_AGE_SECONDS = -1
    with pytest.raises(ValidationError) as caught:
        form_tokens.read(token, user=operator, kind="sales_order")
    assert caught.value.code == "form_expired"
