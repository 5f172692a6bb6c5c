from django.urls import path

from . import live, views

_ONE = "tenants/<int:tenant_pk>/invoices/<str:document_type>/<str:number>/"

urlpatterns = [
    path("invoices/", views.invoices, name="invoices"),
    path("tenants/<int:tenant_pk>/invoices/", views.tenant_invoices, name="tenant_invoices"),
    path(_ONE, views.invoice_detail, name="invoice"),
    path(_ONE + "edit/", views.invoice_edit, name="invoice_edit"),
    path(_ONE + "changes/", live.invoice_changes, name="invoice_changes"),
    path(_ONE + "latest/", live.invoice_latest, name="invoice_latest"),
    path(_ONE + "actions/<str:operation>/", views.invoice_action, name="invoice_action"),
]
