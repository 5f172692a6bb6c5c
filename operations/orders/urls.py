"""Sales order URLs, included into the ``operations`` namespace (names fixed by sections.py)."""

from django.urls import path

from . import form_views, lookup_views, views

urlpatterns = [
    path("orders/", views.orders, name="orders"),
    path("orders/<int:pk>/", views.detail, name="order_detail"),
    path("orders/<int:pk>/check/", views.check, name="order_check"),
    path("tenants/<int:tenant_pk>/orders/", views.tenant_orders, name="tenant_orders"),
    path("tenants/<int:tenant_pk>/orders/new/", form_views.new, name="order_new"),
    path("tenants/<int:tenant_pk>/orders/erp/", views.erp_list, name="order_erp_list"),
    path(
        "tenants/<int:tenant_pk>/orders/customers/",
        lookup_views.customer_search,
        name="order_customers",
    ),
    path("tenants/<int:tenant_pk>/orders/items/", lookup_views.item_search, name="order_items"),
    path(
        "tenants/<int:tenant_pk>/orders/suppliers/",
        lookup_views.supplier_search,
        name="order_suppliers",
    ),
]
