from django.urls import path

from . import views

urlpatterns = [
    path("jobs/", views.job_list, name="jobs"),
    path("tenants/<int:tenant_pk>/jobs/", views.tenant_job_list, name="tenant_jobs"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/check/", views.job_check_now, name="job_check"),
]
