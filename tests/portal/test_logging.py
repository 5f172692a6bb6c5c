"""A refused request is logged in one line, not with a traceback."""

from __future__ import annotations

import logging
import sys

import pytest

pytestmark = pytest.mark.django_db


def test_a_403_is_one_line_in_the_log(client_for, viewer, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for(viewer).get("/staff/")
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /staff/"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_a_server_error_keeps_its_traceback():
    from portal.log_filters import ClientErrorsInOneLine

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), exc_info
    )
    record.status_code = 500
    assert ClientErrorsInOneLine().filter(record)
    assert record.exc_info is exc_info
