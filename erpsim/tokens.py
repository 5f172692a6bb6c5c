"""JWT-shaped access tokens (HS256): issued by the Visma Connect imitation, checked per call."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass

from erpsim.clock import VirtualClock
from erpsim.ids import IdFactory

_HEADER = {"alg": "HS256", "typ": "at+jwt", "kid": "erpsim"}
_CACHE_LIMIT = 20_000


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Claims:
    client_id: str
    tenant_id: str | None
    scopes: frozenset[str]
    issued_at: int
    expires_at: int


class TokenError(Exception):
    """The token is missing, malformed, forged or expired; ``str(error)`` says which."""


class TokenExpired(TokenError):
    """A genuine token past its ``exp``; ``claims`` still says whose it was."""

    def __init__(self, claims: Claims) -> None:
        super().__init__("The token expired")
        self.claims = claims


class TokenService:
    def __init__(self, seed: int, clock: VirtualClock, ids: IdFactory) -> None:
        self._key = hashlib.sha256(f"erpsim-token-key-{seed}".encode()).digest()
        self._clock = clock
        self._ids = ids
        # Verified signatures are cached: checking the HMAC and parsing JSON on every call is the
        # most expensive part of a simple GET. Expiry is still checked against the clock each time.
        self._verified: dict[str, Claims] = {}
        self._lock = threading.Lock()

    def issue(
        self,
        *,
        issuer: str,
        client_id: str,
        tenant_id: str | None,
        scopes: list[str],
        lifetime: int,
    ) -> tuple[str, Claims]:
        now = int(self._clock.now())
        payload: dict[str, object] = {
            "iss": issuer,
            "nbf": now,
            "iat": now,
            "exp": now + lifetime,
            "aud": ["visma.net.erp.api", "visma.net.erp.salesorder"],
            "scope": scopes,
            "client_id": client_id,
            "jti": self._ids.guid(),
        }
        if tenant_id:
            payload["tenant_id"] = tenant_id
        signing_input = (
            _b64url(json.dumps(_HEADER, separators=(",", ":")).encode())
            + "."
            + _b64url(json.dumps(payload, separators=(",", ":")).encode())
        )
        signature = hmac.new(self._key, signing_input.encode(), hashlib.sha256).digest()
        claims = Claims(client_id, tenant_id, frozenset(scopes), now, now + lifetime)
        return f"{signing_input}.{_b64url(signature)}", claims

    def verify(self, token: str) -> Claims:
        claims = self._verified.get(token)
        if claims is None:
            claims = self._verify_signature(token)
            with self._lock:
                if len(self._verified) >= _CACHE_LIMIT:
                    self._verified.clear()
                self._verified[token] = claims
        if self._clock.now() >= claims.expires_at:
            raise TokenExpired(claims)
        return claims

    def _verify_signature(self, token: str) -> Claims:
        parts = token.split(".")
        if len(parts) != 3:
            raise TokenError("The token is malformed")
        signing_input = f"{parts[0]}.{parts[1]}".encode()
        expected = hmac.new(self._key, signing_input, hashlib.sha256).digest()
        try:
            signature = _b64url_decode(parts[2])
            payload = json.loads(_b64url_decode(parts[1]))
        except (ValueError, UnicodeDecodeError) as error:
            raise TokenError("The token is malformed") from error
        if not hmac.compare_digest(signature, expected):
            raise TokenError("The signature is invalid")
        try:
            return Claims(
                client_id=str(payload["client_id"]),
                tenant_id=payload.get("tenant_id"),
                scopes=frozenset(payload.get("scope") or ()),
                issued_at=int(payload["iat"]),
                expires_at=int(payload["exp"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise TokenError("The token is malformed") from error
