"""Health probes for an orchestrator or a load balancer, without login.

- ``/livez``: the process answers (no dependency is asked, so a database outage never makes an
  orchestrator restart every web process at once);
- ``/readyz``: the database, the broker and the cache answer; 503 until they do, so a load balancer
  sends no traffic to a process that cannot serve it;
- ``/healthz`` (kept for existing monitors): database and broker, and when a worker was last seen.

Each probe says ok or error per dependency, never why (no host names, no messages).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

OK, ERROR = "ok", "error"
# The broker probe's wait: long enough for a busy broker, short enough for a probe's timeout.
BROKER_TIMEOUT_SECONDS = 2


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # A connection the server killed stays broken until Django drops it: drop it now, so the
        # next request (or probe) opens a fresh one.
        connection.close_if_unusable_or_obsolete()
        return ERROR
    return OK


def check_broker() -> str:
    # A fresh connection, not Celery's pool: the probe must not leave state behind.
    from kombu import Connection

    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    try:
        with Connection(settings.CELERY_BROKER_URL, transport_options=options) as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception:
        return ERROR
    return OK


def check_cache() -> str:
    key = f"portal:readyz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=10)
        found = cache.get(key) == "1"
        cache.delete(key)
    except Exception:
        return ERROR
    return OK if found else ERROR


READINESS_CHECKS = {"database": check_database, "broker": check_broker, "cache": check_cache}


@require_GET
@login_not_required
@never_cache
def livez(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": OK})


@require_GET
@login_not_required
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {name: check() for name, check in READINESS_CHECKS.items()}
    ready = all(result == OK for result in checks.values())
    return JsonResponse({"status": OK if ready else ERROR, **checks}, status=200 if ready else 503)
