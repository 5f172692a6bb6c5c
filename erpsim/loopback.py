"""Loopback names: the only hosts the sandbox answers to, and the only ones it sends plain HTTP to.

A web page in a developer's browser can reach 127.0.0.1; a DNS-rebinding page can even make its own
name resolve there. Refusing every ``Host`` that is not a loopback name (or one the operator allowed
with ``--allowed-host``) closes that door; requiring JSON on control writes closes the simple
cross-site form post.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from urllib.parse import urlsplit


def hostname_of(host_header: str) -> str:
    """``example.com:8765`` -> ``example.com``; ``[::1]:80`` -> ``::1`` (lower case)."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    name, _, _port = host.rpartition(":") if host.count(":") == 1 else (host, "", "")
    return name


def is_loopback(hostname: str) -> bool:
    """127.0.0.0/8, ::1, ``localhost`` and ``*.localhost`` (RFC 6761 keeps those on loopback)."""
    name = hostname.strip().lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@lru_cache(maxsize=256)
def host_allowed(host_header: str | None, extra: frozenset[str]) -> bool:
    # Cached: a server sees a handful of Host values, and parsing an address costs more than
    # the rest of the check on every request.
    if host_header is None:
        return True  # HTTP/1.0 without Host: no name to rebind
    name = hostname_of(host_header)
    return is_loopback(name) or name in extra


def check_notification_url(value: str) -> str:
    """An address the sandbox may POST notifications to: https anywhere, http only on loopback.

    Raises ValueError with a sentence for the caller.
    """
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"'{value}' is not an http(s) URL")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ValueError(
            f"'{value}' uses plain http on a host that is not loopback; use https "
            "(http is allowed only for localhost, 127.0.0.1 and ::1)"
        )
    return value
