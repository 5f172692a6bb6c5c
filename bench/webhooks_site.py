"""The portal as bench/webhooks.py serves it: its own settings and URLs plus one bare view.

The bare view answers 200 and nothing else, behind the same middleware, in the same gunicorn
workers, so the ratio shows what the inbox itself adds (store, verify, dedupe, queue).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from portal.urls import urlpatterns as portal_urlpatterns


@csrf_exempt
@login_not_required
def bare(request):
    return HttpResponse(status=200)


urlpatterns = [path("bench/bare/", bare), path("", include(portal_urlpatterns))]
