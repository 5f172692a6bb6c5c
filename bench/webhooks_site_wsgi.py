"""The WSGI application of bench/webhooks.py (its settings module is set by the bench)."""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
