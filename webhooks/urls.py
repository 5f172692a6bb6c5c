from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    # Inbound (no login: each is verified over its raw body or by its URL token).
    path("in/visma/", views.inbound_visma, name="inbound_visma"),
    path("in/background/", views.inbound_background, name="inbound_background"),
    path("in/statuspage/<str:token>/", views.inbound_statuspage, name="inbound_statuspage"),
    # The inbox.
    path("", views.inbox, name="inbox"),
    path("deliveries/<str:pk>/", views.delivery, name="delivery"),
    path("deliveries/<str:pk>/reprocess/", views.reprocess, name="reprocess"),
    path("reprocess/", views.reprocess_range, name="reprocess_range"),
    path("verification/", views.verification, name="verification"),
    path("verification/subscriptions/", views.subscription_create, name="subscription_create"),
    path(
        "verification/subscriptions/<str:pk>/keys/",
        views.signing_key_add,
        name="signing_key_add",
    ),
    path("verification/keys/<str:pk>/retire/", views.signing_key_retire, name="signing_key_retire"),
    path("verification/statuspage/", views.statuspage_token_create, name="statuspage_token_create"),
    path(
        "verification/statuspage/<str:pk>/retire/",
        views.statuspage_token_retire,
        name="statuspage_token_retire",
    ),
]
