from django.urls import path

from . import views

app_name = "usage"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("companies/<int:pk>/", views.company, name="company"),
    path("companies/<int:pk>/reserve/", views.company_reserve, name="company_reserve"),
    path("export/", views.export, name="export"),
]
