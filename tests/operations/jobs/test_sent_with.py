"""A job page says what the action carried in words, not in the ERP's shapes."""

from __future__ import annotations

from operations.jobs.models import BackgroundJob


def test_a_prebook_names_its_account_and_subaccount_not_the_segments():
    job = BackgroundJob(
        payload={"account": "4300", "subaccount": {"1": "0", "2": "0"}, "subaccount_number": "0-0"}
    )
    assert job.sent_with == [("Account", "4300"), ("Subaccount", "0-0")]


def test_an_attachment_names_its_line_and_an_unknown_key_reads_as_words():
    job = BackgroundJob(payload={"line_number": 1, "reason_text": "late"})
    assert job.sent_with == [("Attached to", "line 1"), ("Reason text", "late")]


def test_an_action_without_a_body_sends_nothing_else():
    assert BackgroundJob(payload={}).sent_with == []
