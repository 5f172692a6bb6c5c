"""Tunable behaviour of one sandbox instance (command-line flags and ``SandboxServer`` options)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

DEFAULT_SIGNATURE_HEADER = "X-VWD-Signature-V1"
# Options ``POST /_sandbox/settings`` may change while the sandbox runs (reset restores them).
RUNTIME_SETTINGS = ("background_delay",)


@dataclass
class SandboxOptions:
    world: str = "demo"
    seed: int = 1
    # Background API: seconds between accepting a request and running it.
    background_delay: float = 0.5
    # Background API: seconds a finished operation's state and content are kept (the docs say 24 h).
    background_retention: float = 24 * 3600
    # Hourly budgets per (client, company); the KB figures for test and production clients.
    test_hourly_limit: int = 500
    production_hourly_limit: int = 15_000
    # KB "SameRequestLimit" and "ClientErrorLimit"; 0 switches a rule off (benchmarks).
    same_request_limit: int = 5
    same_request_window: float = 60.0
    failed_request_limit: int = 2
    failed_request_window: float = 300.0
    # Scenario defaults.
    slow_latency_ms: int = 1500
    near_limit_fraction: float = 0.96
    flaky_error_rate: float = 0.2
    flaky_reset_rate: float = 0.1
    flaky_timeout_rate: float = 0.05
    # How long a "timeout" fault holds the request before answering 504.
    timeout_seconds: float = 30.0
    # Financials list paging cap, returned as metadata.maxPageSize.
    max_page_size: int = 100
    # Request bodies above this get 413 in the API's error shape.
    max_body_bytes: int = 10 * 1024 * 1024
    # One attachment file at most (Visma's 25 MB for order attachments; see docs/sandbox.md).
    max_attachment_bytes: int = 25 * 1024 * 1024
    signature_header: str = DEFAULT_SIGNATURE_HEADER
    webhook_timeout: float = 5.0
    # How many recorded requests /_sandbox/requests keeps (oldest dropped first).
    request_log_size: int = 5000
    token_lifetime: int = 3600
    # Host names answered besides the loopback ones (localhost, *.localhost, 127.0.0.0/8, ::1).
    allowed_hosts: tuple[str, ...] = ()
    # Where the demo world's subscriptions post every event (a portal's inbox); "" for none.
    events_url: str = ""

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> SandboxOptions:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise TypeError(f"unknown sandbox option(s): {', '.join(unknown)}")
        return cls(**values)
