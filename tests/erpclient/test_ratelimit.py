"""Parsing the X-RateLimit-* figures and Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from erpclient.ratelimit import parse_ratelimit, parse_retry_after

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


def test_all_four_figures_are_read():
    headers = httpx.Headers(
        {
            "X-RateLimit-Limit": "15000",
            "X-RateLimit-Remaining": "14321",
            "X-RateLimit-Reset": "1800",
            "X-RateLimit-Policy": "4-fixed-window",
        }
    )
    info = parse_ratelimit(headers, NOW)
    assert info is not None
    assert (info.limit, info.remaining, info.reset_seconds, info.policy) == (
        15000,
        14321,
        1800.0,
        "4-fixed-window",
    )
    assert info.observed_at == NOW
    assert not info.exhausted


def test_reset_given_as_epoch_becomes_seconds_from_now():
    # The 2021 KB example sends the reset as an epoch; the current docs say seconds.
    epoch = int((NOW + timedelta(seconds=90)).timestamp())
    info = parse_ratelimit(httpx.Headers({"x-ratelimit-reset": str(epoch)}), NOW)
    assert info is not None and info.reset_seconds == pytest.approx(90.0)


def test_no_headers_means_no_figures():
    assert parse_ratelimit(httpx.Headers({"content-type": "application/json"}), NOW) is None


def test_garbage_figures_are_none_not_errors():
    info = parse_ratelimit(
        httpx.Headers({"X-RateLimit-Limit": "lots", "X-RateLimit-Remaining": "0"}), NOW
    )
    assert info is not None
    assert info.limit is None and info.remaining == 0 and info.exhausted


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12.0),
        ("0", 0.0),
        (" 7 ", 7.0),
        ("2.5", 2.5),
        (format_datetime(NOW + timedelta(seconds=45), usegmt=True), 45.0),
        (format_datetime(NOW - timedelta(seconds=45), usegmt=True), 0.0),
        ("-3", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
    ids=[
        "seconds",
        "zero",
        "padded",
        "fraction",
        "http-date",
        "http-date-past",
        "negative",
        "garbage",
        "empty",
        "missing",
    ],
)
def test_retry_after_as_seconds_or_http_date(value, expected):
    assert parse_retry_after(value, NOW) == (pytest.approx(expected) if expected else expected)
