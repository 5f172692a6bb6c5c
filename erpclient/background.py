"""The ``erp-api-background`` header: run an ERP call in the ERP's background queue.

- ``Background.none()``: fire and forget;
- ``Background.subscription(**correlation)``: notify the Developer-Portal webhook subscription
  (event ``BACKGROUND_API_RESPONSE``); the name/value pairs come back as headers on that webhook;
- ``Background.url(url)``: the legacy mode, a notification posted to ``url`` (deprecated by Visma
  30.04.2025, still working for a while).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

HEADER = "erp-api-background"

# Correlation names become HTTP header names on the webhook: keep to the plainest header names.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]+$")
_BAD_VALUE_CHARS = frozenset(",=\r\n\x00")


@dataclass(frozen=True, slots=True)
class Background:
    """One value of the ``erp-api-background`` header; build it with the class methods."""

    header_value: str

    @classmethod
    def none(cls) -> Background:
        return cls("none")

    @classmethod
    def subscription(
        cls, correlation: Mapping[str, str] | None = None, /, **named: str
    ) -> Background:
        pairs = {**(correlation or {}), **named}
        if not pairs:
            return cls("subscription")
        rendered = []
        for name, value in pairs.items():
            if not _TOKEN.match(name):
                raise ValueError(
                    f"background correlation name {name!r} must be a plain header name "
                    "(letters, digits, '-' and '_' only)"
                )
            text = str(value)
            if not text or any(char in _BAD_VALUE_CHARS for char in text):
                raise ValueError(
                    f"background correlation value for {name!r} must be non-empty and must not "
                    "contain ',', '=' or line breaks"
                )
            rendered.append(f"{name}={text}")
        return cls("subscription:" + ",".join(rendered))

    @classmethod
    def url(cls, url: str) -> Background:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"background url must be an absolute http(s) URL, got {url!r}")
        if any(char in url for char in "\r\n\x00 "):
            raise ValueError("background url must not contain spaces or line breaks")
        return cls(url)
