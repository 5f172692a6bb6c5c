"""Reads of background jobs: the lists (per tenant and across) and one job with its timeline."""

from __future__ import annotations

from django.db.models import QuerySet

from tenants.models import Tenant

from .models import BackgroundJob


def jobs(tenant: Tenant | None = None) -> QuerySet[BackgroundJob]:
    found = BackgroundJob.objects.select_related("tenant", "initiator")
    if tenant is not None:
        found = found.filter(tenant=tenant)
    return found.order_by("-created_at", "-pk")


def jobs_on(tenant: Tenant, kind: str, number: str) -> QuerySet[BackgroundJob]:
    return jobs(tenant).filter(document_kind=kind, document_number=number)


def job(pk: int) -> BackgroundJob:
    # The page shows the file's name, type and size (its polling asks every second): read them
    # with the job, without the file's bytes.
    return (
        BackgroundJob.objects.select_related("tenant__api_client", "initiator", "file")
        .defer("file__content")
        .get(pk=pk)
    )
