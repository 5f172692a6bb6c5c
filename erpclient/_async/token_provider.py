"""Cached Visma Connect tokens, renewed ``margin_seconds`` before they expire, one refresh in
flight per key (whoever holds the store's lock fetches; the others then find the new token)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import httpx

from .._auth import TokenProviderBase, token_request
from ..config import Service
from ..tokens import AsyncTokenStore, Token
from ._types import AttemptSink, Sleep


class AsyncTokenProvider(TokenProviderBase):
    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        store: AsyncTokenStore,
        sleep: Sleep,
        record: AttemptSink,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._http = http
        self.store = store
        self._sleep = sleep
        self._record = record

    async def token(self, service: Service, *, force: bool = False) -> Token:
        key = self.keys[service]
        token = None if force else await self.store.get(key)
        if token is not None and token.usable(self.margin_seconds):
            return token
        async with self.store.lock(key):
            # Someone else may have refreshed it while we waited for the lock.
            token = None if force else await self.store.get(key)
            if token is not None and token.usable(self.margin_seconds):
                return token
            token = await self._fetch(self.scopes[service])
            await self.store.set(key, token)
            return token

    async def forget(self, service: Service, token: Token) -> None:
        key = self.keys[service]
        current = await self.store.get(key)
        if current is not None and current.access_token == token.access_token:
            await self.store.delete(key)

    async def _fetch(self, scopes: tuple[str, ...]) -> Token:
        attempt = 0
        while True:
            attempt += 1
            request = token_request(self._http, self.credentials, scopes, self.timeout)
            started_at, started = datetime.now(UTC), time.perf_counter()
            response = exc = None
            try:
                response = await self._http.send(request)
            except httpx.TransportError as failure:
                exc = failure
            token, error, record = self._outcome(
                response, exc, scopes, attempt, started_at, started
            )
            await self._record(record)
            if token is not None:
                return token
            assert error is not None
            delay = self.retry.delay(error, attempt=attempt, idempotent=True)
            if delay is None:
                raise error
            await self._sleep(delay)
