"""The pieces the tenants app builds on, end to end against the sandbox ERP over real HTTP."""

from __future__ import annotations

import pytest

from erpclient import ErpClient, Priority
from erpsim.world import DEMO_TENANTS
from usage import selectors, services
from usage.limiter import get_limiter
from usage.models import CallLog, HourlyUsage, MeteredCompany
from usage.recorder import get_recorder

pytestmark = pytest.mark.django_db(transaction=True)

TENANT = DEMO_TENANTS[0]
CLIENT_ID, SECRET = "isv_demo_test", "sandbox-test-secret-3f9a1c"


def _sync(**overrides):
    values = {
        "client_id": CLIENT_ID,
        "tenant_id": TENANT["tenant_id"],
        "company_id": TENANT["company_id"],
        "name": TENANT["name"],
        "client_type": "test",
        "hourly_limit": 500,
        "tenant_pk": 7,
        "active": True,
    }
    values.update(overrides)
    return services.metered_company_sync(**values)


def test_sync_is_an_idempotent_upsert():
    first = _sync()
    second = _sync(name="Renamed AS", hourly_limit=600)
    assert first.pk == second.pk
    assert MeteredCompany.objects.get().name == "Renamed AS"
    assert MeteredCompany.objects.get().hourly_limit == 600


def test_sync_refuses_bad_input_and_changes_nothing():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        _sync(client_type="staging", hourly_limit=0)
    assert set(caught.value.message_dict) == {"client_type", "hourly_limit"}
    assert not MeteredCompany.objects.exists()


def test_a_real_call_is_recorded_counted_and_the_erp_figures_kept(backend, sandbox, caplog):
    company = _sync()
    with ErpClient.sandbox(
        sandbox.url,
        client_id=CLIENT_ID,
        client_secret=SECRET,
        tenant_id=TENANT["tenant_id"],
        limiter=get_limiter(),
        recorder=get_recorder(),
        priority=Priority.BACKGROUND,
    ) as client:
        client.context.list()
    # The client swallows a failing recorder or limiter sink (the call goes on); there must be none.
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text
    get_recorder().flush()
    erp_calls = CallLog.objects.filter(company=company).exclude(family="token")
    assert erp_calls.count() == 1
    assert HourlyUsage.objects.get(company=company).calls == 1
    state = selectors.budget_state(client_id=CLIENT_ID, tenant_id=TENANT["tenant_id"])
    assert state.used == 1 and state.limit == 500
    assert state.erp_remaining == 499
    assert state.background_allowed
    info = selectors.latest_ratelimit(client_id=CLIENT_ID, tenant_id=TENANT["tenant_id"])
    assert info is not None and info.remaining == 499 and info.limit == 500
