from django.urls import path

from . import views

_ONE = "tenants/<int:tenant_pk>/payments/<str:payment_type>/<str:number>/"

urlpatterns = [
    path("payments/", views.payments, name="payments"),
    path("tenants/<int:tenant_pk>/payments/", views.tenant_payments, name="tenant_payments"),
    path(_ONE, views.payment_detail, name="payment"),
    path(_ONE + "release/", views.payment_release, name="payment_release"),
]
