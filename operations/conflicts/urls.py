from django.urls import path

from . import views

urlpatterns = [
    path("jobs/<int:pk>/conflict/", views.job_conflict, name="job_conflict"),
]
