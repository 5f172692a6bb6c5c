"""The portal as bench/webhooks.py serves it: its own settings and URLs plus three reference views.

All run in the same gunicorn workers as the inbox:

- the bare view answers 200 and nothing else, so the ratio shows what the inbox itself adds
  (store, verify, dedupe, queue);
- the bare machine endpoint answers 200 too, but as the inbox is served (portal/machine.py:
  without the browser middleware), so its ratio shows the inbox's own work alone;
- the store floor commits the raw body as one row of a one-column table (one INSERT through
  Django's cursor, autocommit) and answers 200: the least any store-first endpoint does before
  it answers, with no verification, dedupe, redaction or hand-over.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from portal.machine import machine_endpoint
from portal.urls import urlpatterns as portal_urlpatterns


@csrf_exempt
@login_not_required
def bare(request):
    return HttpResponse(status=200)


@machine_endpoint
def machine_bare(request):
    return HttpResponse(status=200)


STORE_FLOOR_TABLE = "bench_store_floor"
STORE_FLOOR_INSERT = f"INSERT INTO {STORE_FLOOR_TABLE} (body) VALUES (%s)"  # noqa: S608 - a constant table name, the body is a parameter


@csrf_exempt
@login_not_required
def store_floor(request):
    with connection.cursor() as cursor:
        cursor.execute(STORE_FLOOR_INSERT, [request.body])
    return HttpResponse(status=200)


urlpatterns = [
    path("bench/bare/", bare),
    path("webhooks/in/bench-bare/", machine_bare),
    path("bench/store-floor/", store_floor),
    path("", include(portal_urlpatterns)),
]
