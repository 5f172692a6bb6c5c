"""What every signed-in page costs in queries before its own, for the query-count tests."""

from __future__ import annotations

from django.conf import settings

from usage import conf as usage_conf

# The user, on every page. The session, the role and permissions and status.visma.com's open
# incidents come from the cache once a session's first page has read them (client_for); with
# Redis the session does too (portal/sessions.py), but on the embedded defaults (no REDIS_URL,
# as `make run` and a bare `make test` run) Django reads it from the database on each request.
EVERY_PAGE = 1 if settings.SESSION_ENGINE == "portal.sessions" else 2

# The companies' budget windows, where a page shows them: in Redis with REDIS_URL, else one query
# of the database limiter (usage/limiter.py).
BUDGET_WINDOWS = 0 if usage_conf.redis_url() else 1
