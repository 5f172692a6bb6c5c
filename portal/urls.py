from django.contrib import admin
from django.urls import include, path

from . import probes, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("livez", probes.livez, name="livez"),
    path("readyz", probes.readyz, name="readyz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("metrics", include("usage.metrics_urls")),
    path("audit/", views.audit_log, name="audit_log"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/invite/", views.staff_invite, name="staff_invite"),
    path("staff/<int:pk>/role/", views.staff_set_role, name="staff_set_role"),
    path("staff/<int:pk>/active/", views.staff_set_active, name="staff_set_active"),
    path("staff/<int:pk>/resend/", views.staff_resend_invitation, name="staff_resend_invitation"),
    path("invitation/<uidb64>/<token>/", views.invitation_accept, name="invitation_accept"),
    path("tenants/", include("tenants.urls")),
    path("usage/", include("usage.urls")),
    path("operations/", include("operations.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
