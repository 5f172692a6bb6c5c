"""Settings of bench/webhooks.py: the portal's, with the bench's URL module (one bare view)."""

from portal.settings import *  # noqa: F403 - a settings module extends the portal's

ROOT_URLCONF = "bench.webhooks_site"

# As production runs (portal/settings.py keeps connections 60 s and checks a kept connection once
# per request before its first query when DJANGO_ENV=production).
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405 - DATABASES comes from the portal's settings
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
