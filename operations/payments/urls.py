from django.urls import path

from ..financials import views as pages
from . import rules
from .kind import PAYMENTS

_ONE = "tenants/<int:tenant_pk>/payments/<str:document_type>/<str:number>/"
_KIND = {"kind": PAYMENTS}

urlpatterns = [
    path("payments/", pages.tenants, _KIND, name="payments"),
    path("tenants/<int:tenant_pk>/payments/", pages.tenant_list, _KIND, name="tenant_payments"),
    path(_ONE, pages.detail, _KIND, name="payment"),
    path(
        _ONE + "release/",
        pages.action,
        {**_KIND, "operation": rules.RELEASE},
        name="payment_release",
    ),
]
