"""client.webhook_feedback against the sandbox: the body the spec names, recorded by the ERP."""

from __future__ import annotations

import uuid

import pytest

from erpclient import errors


def test_feedback_reaches_the_erp_with_the_failure_in_words(erp, sandbox):
    notification_id = str(uuid.uuid4())
    with erp("healthy") as client:
        client.webhook_feedback.post(
            notification_id, is_success=False, description="Invoice 100012 could not be read."
        )
    (recorded,) = sandbox.control("GET", "/_sandbox/feedback")
    assert recorded["notificationId"] == notification_id
    assert recorded["isSuccess"] is False
    assert recorded["description"] == "Invoice 100012 could not be read."


def test_a_notification_id_that_is_not_a_uuid_is_refused(erp):
    with erp("healthy") as client, pytest.raises(errors.ErpError):
        client.webhook_feedback.post("not-a-uuid", is_success=True)
