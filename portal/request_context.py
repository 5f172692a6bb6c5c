"""The current request's client address: for the audit log (without passing requests around) and
for allauth's sign-in rate limits (through the account adapter), from one rule."""

from __future__ import annotations

import ipaddress
import logging
from contextvars import ContextVar

from django.conf import settings

logger = logging.getLogger(__name__)

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def client_ip(request) -> str | None:
    """The address of whoever sent ``request``.

    Behind PORTAL_TRUSTED_PROXY_COUNT = n proxies, each proxy appends the address it saw to
    X-Forwarded-For, so the client is the n-th entry from the right; anything left of it was sent
    by the client and is not trusted. Without proxies (n = 0) the header is ignored. A header
    shorter than n, or an entry that is not an address, means the request did not come through
    the proxies: the socket's address is used.
    """
    count = settings.PORTAL_TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            try:
                return str(ipaddress.ip_address(hops[-count]))
            except ValueError:
                pass
        logger.warning(
            "X-Forwarded-For %r does not come through %d trusted proxies; using the socket's "
            "address",
            forwarded[:200],
            count,
        )
    return request.META.get("REMOTE_ADDR") or None
