from django.urls import path

from . import views

urlpatterns = [
    path("console/", views.console_index, name="console_index"),
    path("console/<int:pk>/", views.console, name="console"),
    path("console/<int:pk>/send/", views.console_send_view, name="console_send"),
    path("console/<int:pk>/calls/<int:call_pk>/curl/", views.console_curl, name="console_curl"),
]
