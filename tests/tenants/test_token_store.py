"""The shared token store: encrypted in the cache, expiring with the token, one refresh in flight
across threads. Runs on Redis when REDIS_URL is set (CI), else on a file cache."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.cache import cache

from erpclient import ErpClient, InMemoryLimiter, Token
from erpsim.world import DEMO_CLIENTS, DEMO_TENANTS
from tenants.token_store import PREFIX, CacheTokenStore, LockTimeout


@pytest.fixture
def shared_cache(settings, tmp_path):
    """The real shared cache the portal would use across processes."""
    if settings.REDIS_URL:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": settings.REDIS_URL,
                "KEY_PREFIX": f"test-{time.monotonic_ns()}",
            }
        }
    else:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        }
    return cache


def _token(minutes: float = 60, value: str = "eyJ.the-access-token.sig") -> Token:
    return Token(
        access_token=value,
        expires_at=datetime.now(UTC) + timedelta(minutes=minutes),
        scopes=frozenset({"vismanet_erp_service_api:read"}),
    )


def test_a_token_round_trips_and_is_encrypted_in_the_cache(shared_cache):
    store = CacheTokenStore()
    store.set("k1", _token())
    got = store.get("k1")
    assert got is not None
    assert got.access_token == "eyJ.the-access-token.sig"
    assert got.scopes == frozenset({"vismanet_erp_service_api:read"})
    raw = shared_cache.get(PREFIX + "k1")
    assert "the-access-token" not in raw
    store.delete("k1")
    assert store.get("k1") is None


def test_an_expired_token_is_not_stored(shared_cache):
    store = CacheTokenStore()
    store.set("k2", _token(minutes=-1))
    assert store.get("k2") is None


def test_a_token_from_a_retired_key_is_a_miss(shared_cache, settings):
    store = CacheTokenStore()
    store.set("k3", _token())
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert store.get("k3") is None


def test_the_lock_lets_one_holder_in_at_a_time(shared_cache):
    store = CacheTokenStore(lock_wait=5)
    inside = []
    overlap = []

    def hold(name: str) -> None:
        with store.lock("same-key"):
            if inside:
                overlap.append(name)
            inside.append(name)
            time.sleep(0.1)
            inside.remove(name)

    threads = [threading.Thread(target=hold, args=(f"t{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlap == []


def test_a_lock_held_elsewhere_too_long_times_out(shared_cache):
    """Another process holds the refresh lock (its cache entry) and does not let go."""
    holder = CacheTokenStore(lock_ttl=30, lock_wait=0.3)
    waiter = CacheTokenStore(lock_ttl=30, lock_wait=0.3)
    with holder.lock("busy"), pytest.raises(LockTimeout), waiter.lock("busy"):
        pass


def test_many_threads_share_one_token_request(shared_cache, sandbox):
    """Four workers start at once on a cold cache: Visma Connect is asked once."""
    client_spec = DEMO_CLIENTS[1]
    tenant_spec = DEMO_TENANTS[0]
    store = CacheTokenStore()
    before = len(sandbox.control("GET", "/_sandbox/requests"))
    errors = []

    def work() -> None:
        try:
            with ErpClient.sandbox(
                sandbox.url,
                client_id=client_spec["client_id"],
                client_secret=client_spec["client_secret"],
                tenant_id=tenant_spec["tenant_id"],
                token_store=store,
                limiter=InMemoryLimiter(),
            ) as client:
                client.context.get()
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    requests = sandbox.control("GET", "/_sandbox/requests")[before:]
    token_requests = [r for r in requests if r.get("path") == "/connect/token"]
    assert len(token_requests) == 1, token_requests
    assert len([r for r in requests if r.get("path") == "/resources/v1/context"]) == 4


def _token_requests_for(sandbox, tenant_id: str) -> list[dict]:
    # Visma Connect's log names no tenant for a refusal; the form body does.
    return [
        entry
        for entry in sandbox.control("GET", "/_sandbox/requests")
        if entry["path"] == "/connect/token" and tenant_id in str(entry["body"])
    ]


def test_a_refused_tenant_fails_fast_for_every_client_the_portal_builds(
    shared_cache, erp_settings, make_tenant, settings
):
    from erpclient import InvalidTenant
    from tenants import erp

    tenant = make_tenant("not_approved")
    for _ in range(3):  # three check steps, three clients, one question to Visma Connect
        with pytest.raises(InvalidTenant), erp.erp_for(tenant) as client:
            client.supplier_invoices.page(page_size=1)
    assert len(_token_requests_for(erp_settings, tenant.tenant_id)) == 1
    raw = shared_cache.get("tenants:token-refusal:" + erp.token_keys(tenant)[0])
    assert "invalid_tenant" in raw and tenant.api_client.client_secret.reveal() not in raw

    erp.forget_tokens([tenant])  # what a changed secret does
    with pytest.raises(InvalidTenant), erp.erp_for(tenant) as client:
        client.supplier_invoices.page(page_size=1)
    assert len(_token_requests_for(erp_settings, tenant.tenant_id)) == 2

    settings.TENANTS_TOKEN_REFUSAL_SECONDS = 0
    erp.forget_tokens([tenant])
    for _ in range(2):
        with pytest.raises(InvalidTenant), erp.erp_for(tenant) as client:
            client.supplier_invoices.page(page_size=1)
    assert len(_token_requests_for(erp_settings, tenant.tenant_id)) == 4


def test_the_check_now_token_step_asks_visma_connect_despite_a_remembered_refusal(
    shared_cache, erp_settings, make_tenant
):
    from erpclient import InvalidTenant, Priority
    from tenants import checks, erp
    from tenants.steps import Step

    tenant = make_tenant("not_approved")
    with pytest.raises(InvalidTenant), erp.erp_for(tenant) as client:
        client.supplier_invoices.page(page_size=1)
    ctx = checks.CheckContext(tenant, priority=Priority.INTERACTIVE)
    try:
        result = checks.run_step(ctx, Step.TOKEN)
    finally:
        ctx.close()
    assert result.found is not None and "not asked again" not in result.summary
    assert len(_token_requests_for(erp_settings, tenant.tenant_id)) == 2
