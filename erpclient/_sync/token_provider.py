# Generated from erpclient/_async by scripts/generate_sync.py; do not edit.
# Change the async source and run `python scripts/generate_sync.py`.
"""Cached Visma Connect tokens, renewed ``margin_seconds`` before they expire, one refresh in
flight per key (whoever holds the store's lock fetches; the others then find the new token).

A refusal of the credentials is remembered for ``refusal_seconds`` in a store that can keep it,
so a refused tenant fails fast instead of asking Visma Connect on every call.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import httpx

from .. import errors
from .._auth import TokenProviderBase, token_request
from ..config import Service
from ..tokens import RefusalStore, Token, TokenStore
from ._types import AttemptSink, Sleep


class TokenProvider(TokenProviderBase):
    def __init__(
        self,
        *,
        http: httpx.Client,
        store: TokenStore,
        sleep: Sleep,
        record: AttemptSink,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._http = http
        self.store = store
        self._sleep = sleep
        self._record = record

    def token(self, service: Service, *, force: bool = False) -> Token:
        """The cached token, else a new one. ``force`` asks Visma Connect whatever is cached,
        a token or a refusal."""
        key = self.keys[service]
        token = None if force else self._cached(key)
        if token is not None:
            return token
        with self.store.lock(key):
            # Someone else may have refreshed it (or been refused) while we waited for the lock.
            token = None if force else self._cached(key)
            if token is not None:
                return token
            try:
                token = self._fetch(self.scopes[service])
            except errors.ErpError as error:
                refusal = self.refusal_of(error)
                if refusal is not None and isinstance(self.store, RefusalStore):
                    self.store.set_refusal(key, refusal)
                raise
            self.store.set(key, token)
            return token

    def _cached(self, key: str) -> Token | None:
        """A usable cached token; raises the remembered refusal of these credentials."""
        token = self.store.get(key)
        if token is not None and token.usable(self.margin_seconds):
            return token
        if isinstance(self.store, RefusalStore):
            refused = self.refused(self.store.get_refusal(key))
            if refused is not None:
                raise refused
        return None

    def forget(self, service: Service, token: Token) -> None:
        key = self.keys[service]
        current = self.store.get(key)
        if current is not None and current.access_token == token.access_token:
            self.store.delete(key)

    def _fetch(self, scopes: tuple[str, ...]) -> Token:
        attempt = 0
        while True:
            attempt += 1
            request = token_request(self._http, self.credentials, scopes, self.timeout)
            started_at, started = datetime.now(UTC), time.perf_counter()
            response = exc = None
            try:
                response = self._http.send(request)
            except httpx.TransportError as failure:
                exc = failure
            token, error, record = self._outcome(
                response, exc, scopes, attempt, started_at, started
            )
            self._record(record)
            if token is not None:
                return token
            assert error is not None
            delay = self.retry.delay(error, attempt=attempt, idempotent=True)
            if delay is None:
                raise error
            self._sleep(delay)
