from django.urls import include, path

from . import automation_views, views

app_name = "operations"

urlpatterns = [
    path("", views.index, name="index"),
    path("automation/", automation_views.automation_page, name="automation"),
    path("automation/mappings/", automation_views.mapping_add, name="automation_mapping_add"),
    path(
        "automation/mappings/<str:pk>/toggle/",
        automation_views.mapping_toggle,
        name="automation_mapping_toggle",
    ),
    path("", include("operations.console.urls")),
    path("", include("operations.orders.urls")),
    path("", include("operations.jobs.urls")),
    path("", include("operations.invoices.urls")),
    path("", include("operations.payments.urls")),
    path("", include("operations.conflicts.urls")),
]
