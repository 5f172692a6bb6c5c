"""Demo history for `make run`: a week of plausible hourly usage for every metered company the
tenants seeder registered, so the charts and the export have something to show. Idempotent: a
company that already has history is left alone. Never run in production (seed_demo only)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from .models import CallLog, ClientType, HourlyFamilyUsage, HourlyUsage, MeteredCompany
from .selectors import utc_hour

DAYS = 7
FAMILIES = (("supplierInvoice", 0.4), ("salesorder", 0.3), ("customer", 0.2), ("context", 0.1))
PATHS = {
    "supplierInvoice": "/v1/supplierInvoice",
    "salesorder": "/api/v3/SalesOrders",
    "customer": "/v1/customer",
    "context": "/resources/v1/context",
}


def _busy(hour: int) -> float:
    """Working hours in the Nordics are busy; nights are quiet."""
    return 1.0 if 6 <= hour <= 15 else 0.35 if 16 <= hour <= 20 else 0.1


def _history(company: MeteredCompany, hot: bool, now_hour) -> tuple[list, list, list]:
    rng = random.Random(f"{company.client_id}/{company.tenant_id}")
    if company.client_type == ClientType.TEST:
        base = rng.randint(30, 160) if not hot else int(company.hourly_limit * 0.9)
    else:
        base = rng.randint(1500, 7000)
    hours, families, throttled = [], [], []
    for back in range(DAYS * 24, 0, -1):
        hour = now_hour - timedelta(hours=back)
        calls = max(int(base * _busy(hour.hour) * rng.uniform(0.75, 1.2)), 0)
        limited = 0
        if hot and _busy(hour.hour) == 1.0 and calls >= company.hourly_limit:
            limited, calls = rng.randint(1, 6), company.hourly_limit
        errors_4xx = int(calls * rng.uniform(0.0, 0.03))
        errors_5xx = int(calls * rng.uniform(0.0, 0.005))
        no_response = rng.randint(0, 1) if calls else 0
        ok = max(calls - errors_4xx - errors_5xx - no_response, 0)
        background = int(calls * 0.7)
        hours.append(
            HourlyUsage(
                company=company,
                hour=hour,
                calls=calls + limited,
                status_2xx=ok,
                status_4xx=errors_4xx + limited,
                status_5xx=errors_5xx,
                no_response=no_response,
                rate_limited=limited,
                interactive=calls + limited - background,
                background=background,
                duration_ms_total=calls * rng.uniform(80, 240),
                last_limit=company.hourly_limit,
                last_remaining=max(company.hourly_limit - calls, 0),
                last_policy="4-fixed-window",
                last_seen_at=hour + timedelta(minutes=59),
            )
        )
        for family, share in FAMILIES:
            count = int(calls * share)
            if count:
                families.append(
                    HourlyFamilyUsage(
                        company=company,
                        hour=hour,
                        family=family,
                        calls=count,
                        errors=int(count * 0.02),
                        rate_limited=limited if family == "supplierInvoice" else 0,
                    )
                )
        for minute in range(limited):
            throttled.append(
                CallLog(
                    company=company,
                    started_at=hour + timedelta(minutes=50 + minute),
                    method="GET",
                    path_template=PATHS["supplierInvoice"],
                    family="supplierInvoice",
                    priority="background",
                    status=429,
                    duration_ms=rng.uniform(20, 60),
                    error_kind="rate_limited",
                    retry_after=float(600 - minute * 60),
                    request_id=f"demo-{rng.getrandbits(48):012x}",
                    ratelimit_limit=company.hourly_limit,
                    ratelimit_remaining=0,
                    ratelimit_policy="4-fixed-window",
                )
            )
    return hours, families, throttled


def seed(stdout=None) -> int:
    now_hour = utc_hour(timezone.now())
    companies = list(MeteredCompany.objects.filter(active=True).order_by("tenant_id", "client_id"))
    has_history = set(
        HourlyUsage.objects.filter(hour__lt=now_hour).values_list("company_id", flat=True)
    )
    test_clients = [c for c in companies if c.client_type == ClientType.TEST]
    hot = test_clients[-1].pk if test_clients else None
    created = 0
    for company in companies:
        if company.pk in has_history:
            continue
        hours, families, throttled = _history(company, company.pk == hot, now_hour)
        with transaction.atomic():
            HourlyUsage.objects.bulk_create(hours)
            HourlyFamilyUsage.objects.bulk_create(families)
            CallLog.objects.bulk_create(throttled)
            sums = HourlyUsage.objects.filter(company=company).aggregate(
                calls=Sum("calls"),
                ok=Sum("status_2xx"),
                client=Sum("status_4xx"),
                server=Sum("status_5xx"),
                none=Sum("no_response"),
                limited=Sum("rate_limited"),
            )
            MeteredCompany.objects.filter(pk=company.pk).update(
                total_calls=F("total_calls") + (sums["calls"] or 0),
                total_2xx=F("total_2xx") + (sums["ok"] or 0),
                total_4xx=F("total_4xx") + (sums["client"] or 0),
                total_5xx=F("total_5xx") + (sums["server"] or 0),
                total_no_response=F("total_no_response") + (sums["none"] or 0),
                total_429=F("total_429") + (sums["limited"] or 0),
            )
        created += len(hours)
    if stdout is not None:
        stdout.write(f"usage: {created} hours of demo history for {len(companies)} companies\n")
    return created
