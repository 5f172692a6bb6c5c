from django.urls import include, path

from . import views

app_name = "operations"

urlpatterns = [
    path("", views.index, name="index"),
    path("", include("operations.jobs.urls")),
    path("", include("operations.invoices.urls")),
    path("", include("operations.payments.urls")),
    path("", include("operations.conflicts.urls")),
]
