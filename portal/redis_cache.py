"""Django's Redis cache, keeping one Redis client per server instead of building one per call.

Django's ``RedisCacheClient.get_client`` makes a new ``redis.Redis`` for every cache operation;
building one fills its table of ~170 response callbacks, which cost the health sweep a few CPU
seconds per thousand checks and the webhook inbox a tenth of a millisecond per delivery. A
``redis.Redis`` is safe to share between threads (each command takes a connection from the pool),
and its pool notices a fork and starts afresh, so one client per pool is enough.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._pools.get(index)
            if pool is None:
                pool = self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            # Two threads may both build one on first use; either is fine to keep.
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
