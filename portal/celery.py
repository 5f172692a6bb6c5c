"""The Celery app. Settings come from Django's settings under the CELERY_ prefix."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _name_redbeat_settings(sender: Celery, **kwargs) -> None:
    """celery-redbeat (2.4) looks for its settings among the configuration's keys without the
    CELERY_ namespace, so it warns that it "falls back to broker_url" although it found
    CELERY_REDBEAT_REDIS_URL. Naming them again without the prefix stops the false warning."""
    sender.conf.update(
        redbeat_redis_url=sender.conf.get("redbeat_redis_url"),
        redbeat_redis_options=sender.conf.get("redbeat_redis_options") or {},
    )
