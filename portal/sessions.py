"""Django's cached_db sessions, answering from the database while the cache is down.

Every page reads its session; from Redis that is a query less a page (settings.SESSION_ENGINE
when REDIS_URL is set). Django's store already survives a failed read or save of the cache, not a
failed check, store-after-read or delete: while Redis restarts, those would fail every page and
every sign-out. Here they fall back to the database, which stays the record.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore
from django.contrib.sessions.backends.db import SessionStore as DbStore

logger = logging.getLogger(__name__)


class SessionStore(CachedDbStore):
    def load(self):
        try:
            return super().load()
        except Exception:  # the cache failed storing what the database gave
            logger.warning(
                "The session cache is unavailable; reading the session from the database"
            )
            return DbStore.load(self)

    def exists(self, session_key):
        try:
            return super().exists(session_key)
        except Exception:
            logger.warning("The session cache is unavailable; checking the database alone")
            return DbStore.exists(self, session_key)

    def delete(self, session_key=None):
        key = session_key or self.session_key
        DbStore.delete(self, session_key)
        if key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + key)
        except Exception:
            # The database row is gone; a copy the cache kept through its outage would still sign
            # this session in, so say so loudly (Redis without persistence loses it anyway).
            logger.error("A session was signed out but could not be removed from the cache")
