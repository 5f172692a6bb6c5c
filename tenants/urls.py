from django.urls import path

from . import status_views, views

app_name = "tenants"
urlpatterns = [
    path("", views.tenant_list, name="list"),
    path("new/", views.tenant_new, name="new"),
    path("import/", views.tenant_import, name="import"),
    path("import/confirm/", views.tenant_import_confirm, name="import_confirm"),
    path("issues/", views.issue_inbox, name="issues"),
    path("status/", status_views.status_history, name="status_history"),
    path("issues/check-again/", views.issues_recheck, name="issues_recheck"),
    path("issues/<int:pk>/mute/", views.issue_mute, name="issue_mute"),
    path("issues/<int:pk>/unmute/", views.issue_unmute, name="issue_unmute"),
    path("clients/", views.client_list, name="clients"),
    path("clients/new/", views.client_new, name="client_new"),
    path("clients/<int:pk>/", views.client_edit, name="client_edit"),
    path("clients/<int:pk>/test/", views.client_test, name="client_test"),
    path("customers/", views.customer_list, name="customers"),
    path("customers/<int:pk>/", views.customer_detail, name="customer"),
    path("customers/<int:pk>/edit/", views.customer_edit, name="customer_edit"),
    path("checks/<int:pk>/next/", views.check_step, name="check_step"),
    path("<int:pk>/", views.tenant_detail, name="detail"),
    path("<int:pk>/edit/", views.tenant_edit, name="edit"),
    path("<int:pk>/health/", views.tenant_issues_part, name="health"),
    path("<int:pk>/check/", views.tenant_check, name="check"),
    path("<int:pk>/suspend/", views.tenant_suspend, name="suspend"),
    path("<int:pk>/offboard/", views.tenant_offboard, name="offboard"),
    path("<int:pk>/reactivate/", views.tenant_reactivate, name="reactivate"),
]
