from django.contrib import admin

from .models import MeteredCompany


@admin.register(MeteredCompany)
class MeteredCompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "client_id", "tenant_id", "client_type", "hourly_limit", "active")
    list_filter = ("client_type", "active")
    search_fields = ("name", "client_id", "tenant_id")
    readonly_fields = [f.name for f in MeteredCompany._meta.fields if f.name.startswith("total_")]
