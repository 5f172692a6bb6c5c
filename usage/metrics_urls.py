"""``/metrics`` at the site's root (where Prometheus looks by default); portal/urls.py includes
it, so the portal imports nothing of usage."""

from django.urls import path

from . import views

urlpatterns = [path("", views.metrics_view, name="metrics")]
