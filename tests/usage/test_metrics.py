"""/metrics: Prometheus text behind a bearer token, with the budget gauges, the call counters and
the Celery queue depth, parsed with prometheus-client's own parser."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.usage.factories import MeteredCompanyFactory
from tests.usage.test_views import use

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests-0123456789"


@pytest.fixture
def token(settings):
    settings.USAGE_METRICS_TOKEN = TOKEN
    return TOKEN


def samples(response) -> dict:
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_without_a_token_setting_metrics_are_off(client, settings):
    settings.USAGE_METRICS_TOKEN = ""
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything")
    assert response.status_code == 404
    assert "set METRICS_TOKEN" in response.content.decode()


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", TOKEN])
def test_a_missing_or_wrong_token_is_refused(client, token, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/metrics", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("debug", [False, True])
def test_a_token_outside_ascii_is_refused_not_a_server_error(client, token, settings, debug):
    settings.DEBUG = debug
    for header in ("Bearer bl\u00e5b\u00e6r-no-such-token", f"Bearer {TOKEN}\u00e9"):
        response = client.get("/metrics", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401
        assert TOKEN not in response.content.decode()


def test_the_figures_per_company(client, token, db):
    company = MeteredCompanyFactory(name="Nordlys Handel AS", tenant_id="t-1")
    use(company, 412)
    use(company, 500, status=429, retry_after=60)
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    found = samples(response)
    labels = (
        ("client_id", "isv_demo_test"),
        ("company", "Nordlys Handel AS"),
        ("tenant_id", "t-1"),
    )
    assert found[("erp_budget_limit_calls", labels)] == 500
    assert found[("erp_budget_used_calls", labels)] == 500
    assert found[("erp_budget_erp_remaining_calls", labels)] == 0
    assert found[("erp_budget_held", labels)] == 1
    assert found[("erp_calls_total", (*labels[:2], ("status_class", "2xx"), labels[2]))] == 1
    assert found[("erp_calls_total", (*labels[:2], ("status_class", "4xx"), labels[2]))] == 1
    assert found[("erp_rate_limited_total", labels)] == 1
    assert any(name == "celery_queue_length" for name, _ in found)


def test_apps_add_their_own_metrics(client, token, settings, db):
    settings.USAGE_METRICS_EXTRA = ["tests.usage.test_metrics.extra_metrics"]
    found = samples(client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"))
    assert found[("portal_health_issues_open", (("kind", "throttling"),))] == 2


def extra_metrics():
    from prometheus_client.core import GaugeMetricFamily

    gauge = GaugeMetricFamily("portal_health_issues_open", "Open issues.", labels=["kind"])
    gauge.add_metric(["throttling"], 2)
    yield gauge
