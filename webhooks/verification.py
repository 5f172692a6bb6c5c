"""How a delivery is trusted: the dispatcher's HMAC over the raw body, Statuspage's URL token.

Pure functions over bytes and strings; the keys and token hashes come from the models.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping

# Header names (lower case) whose values never go into the inbox: the signature and anything
# that authenticates a request.
SECRET_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization", "x-api-key"})
SECRET_HEADER_PARTS = ("signature", "secret", "token", "password")
MASK = "••••••••"
SIGNATURE_HEADER = "x-vwd-signature-v1"


def body_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def sign(body: bytes, key: str) -> str:
    """base64(HMAC-SHA256(key, body)): what the Visma Webhook Dispatcher sends."""
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


def matching_key(body: bytes, signature_header: str, keys: Iterable[tuple[int, str]]) -> int | None:
    """The id of the first key whose signature of the raw ``body`` is in ``signature_header``
    (several signatures may be listed, separated by spaces or commas), else None. Compared in
    constant time."""
    offered = [part for part in signature_header.replace(",", " ").split() if part]
    if not offered:
        return None
    for key_id, key in keys:
        expected = sign(body, key).encode()
        for signature in offered:
            if hmac.compare_digest(expected, signature.encode()):
                return key_id
    return None


def new_url_token() -> str:
    """A long random token for a Statuspage webhook URL (256 bits)."""
    return secrets.token_urlsafe(32)


def token_sha256(token: str) -> str:
    """What is stored of a URL token. A random 256-bit token needs no salt or slow hash."""
    return hashlib.sha256(token.encode()).hexdigest()


def redacted_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Header names in lower case; secrets masked."""
    redacted = {}
    for name, value in headers.items():
        lower = name.lower()
        secret = lower in SECRET_HEADERS or any(part in lower for part in SECRET_HEADER_PARTS)
        redacted[lower] = MASK if secret else value
    return redacted
