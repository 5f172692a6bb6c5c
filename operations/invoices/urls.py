from django.urls import path

from ..financials import views as pages
from . import live, views
from .kind import INVOICES

_ONE = "tenants/<int:tenant_pk>/invoices/<str:document_type>/<str:number>/"
_KIND = {"kind": INVOICES}

urlpatterns = [
    path("invoices/", pages.tenants, _KIND, name="invoices"),
    path("tenants/<int:tenant_pk>/invoices/", pages.tenant_list, _KIND, name="tenant_invoices"),
    path(_ONE, pages.detail, _KIND, name="invoice"),
    path(_ONE + "edit/", views.invoice_edit, name="invoice_edit"),
    path(_ONE + "changes/", live.invoice_changes, name="invoice_changes"),
    path(_ONE + "latest/", live.invoice_latest, name="invoice_latest"),
    path(_ONE + "actions/<str:operation>/", pages.action, _KIND, name="invoice_action"),
]
