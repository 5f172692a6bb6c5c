"""``/metrics`` in the Prometheus text format, computed at scrape time from the shared figures
(so it is the same whichever web process answers):

- per (client, company) gauges: calls used this hour, the hourly limit, what the ERP last said
  remains, whether calls are held after a 429;
- counters: ERP calls by status class and 429s, since metering began;
- Celery queue depth per queue;
- anything apps add through ``USAGE_METRICS_EXTRA`` (dotted callables yielding metric families;
  the tenants app adds its open health issues by kind there).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from django.conf import settings
from django.utils.module_loading import import_string
from kombu import Connection
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from . import conf
from .budget import budget_state_of
from .limiter import get_limiter
from .models import MeteredCompany
from .registry import CompanyConfig

logger = logging.getLogger(__name__)

LABELS = ["client_id", "tenant_id", "company"]
STATUS_FIELDS = (
    ("2xx", "total_2xx"),
    ("3xx", "total_3xx"),
    ("4xx", "total_4xx"),
    ("5xx", "total_5xx"),
    ("none", "total_no_response"),
)


def budget_metrics() -> Iterator[Metric]:
    used = GaugeMetricFamily("erp_budget_used_calls", "ERP calls used this hour.", labels=LABELS)
    limit = GaugeMetricFamily("erp_budget_limit_calls", "Hourly ERP call limit.", labels=LABELS)
    remaining = GaugeMetricFamily(
        "erp_budget_erp_remaining_calls",
        "Calls the ERP last reported as remaining this hour (X-RateLimit-Remaining).",
        labels=LABELS,
    )
    held = GaugeMetricFamily(
        "erp_budget_held", "1 while calls wait for Retry-After after a 429.", labels=LABELS
    )
    calls = CounterMetricFamily(
        "erp_calls", "ERP call attempts by status class.", labels=[*LABELS, "status_class"]
    )
    throttled = CounterMetricFamily("erp_rate_limited", "ERP answers of 429.", labels=LABELS)
    companies = list(
        MeteredCompany.objects.filter(active=True).values_list(
            "pk",
            "client_id",
            "tenant_id",
            "name",
            "client_type",
            "hourly_limit_override",
            "background_reserve",
            "total_429",
            *(field for _, field in STATUS_FIELDS),
        )
    )
    limiter = get_limiter()
    states = limiter.states((row[1], row[2]) for row in companies)
    now = limiter.now()
    for (
        pk,
        client_id,
        tenant_id,
        name,
        client_type,
        hourly,
        reserve,
        total_429,
        *totals,
    ) in companies:
        labels = [client_id, tenant_id, name or tenant_id]
        config = CompanyConfig(
            pk=pk,
            limit=hourly or conf.hourly_limit_for(client_type),
            reserve=reserve if reserve is not None else conf.reserve_for(client_type),
            client_type=client_type,
        )
        state = budget_state_of(states[(client_id, tenant_id)], config, now)
        used.add_metric(labels, state.used)
        limit.add_metric(labels, state.limit)
        if state.erp_remaining is not None:
            remaining.add_metric(labels, state.erp_remaining)
        held.add_metric(labels, 1 if state.blocked_until else 0)
        for (status_class, _), total in zip(STATUS_FIELDS, totals, strict=True):
            calls.add_metric([*labels, status_class], total)
        throttled.add_metric(labels, total_429)
    yield from (used, limit, remaining, held, calls, throttled)


def queue_metrics() -> Iterator[Metric]:
    depth = GaugeMetricFamily(
        "celery_queue_length", "Messages waiting in the Celery queue.", labels=["queue"]
    )
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    try:
        with Connection(settings.CELERY_BROKER_URL, transport_options=options) as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
            channel = connection.default_channel
            for queue in conf.get("USAGE_METRICS_QUEUES"):
                try:
                    _, count, _ = channel.queue_declare(queue=queue, passive=True)
                except Exception as error:
                    # Not declared yet (no worker has started): nothing is waiting in it.
                    logger.info("celery queue %s not found: %s", queue, error)
                    count = 0
                depth.add_metric([queue], count)
    except Exception as error:
        # A broker that is down must not take the other metrics with it.
        logger.warning("celery queue depth unavailable: %s", error)
    yield depth


class PortalCollector:
    def collect(self) -> Iterator[Metric]:
        yield from budget_metrics()
        yield from queue_metrics()
        for dotted in conf.get("USAGE_METRICS_EXTRA"):
            yield from import_string(dotted)()


def render() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(PortalCollector())
    return generate_latest(registry)
