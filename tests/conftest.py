"""Fixtures shared by every test package."""

from __future__ import annotations

import contextlib

import pytest

from portal.roles import Role


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # Playwright's sync API keeps an event loop running in the main thread once a browser test has
    # started, and asyncio.run() refuses to start inside it: browser tests therefore run last.
    items.sort(
        key=lambda item: (
            item.get_closest_marker("browser") is not None or "/browser/" in str(item.path)
        )
    )


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete():
    """A transactional test empties the database after itself (Django's flush). On PostgreSQL
    Django truncates every table, about a second each time on a busy disk; deleting the few rows
    a test leaves takes milliseconds and leaves the same empty tables (Django's foreign keys are
    checked at commit, and the flush runs in one transaction, so the order does not matter)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        delete = style.SQL_KEYWORD("DELETE FROM")
        return [f"{delete} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(autouse=True)
def _fresh_usage_snapshots():
    """The usage dashboard keeps its figures a few seconds per process (usage/snapshots.py);
    each test starts without the previous test's."""
    from usage import snapshots

    snapshots.forget()


@pytest.fixture(scope="session")
def sandbox_server():
    """The sandbox ERP (erpsim) on a free port, over real HTTP, for the whole session."""
    from erpsim.testing import SandboxServer

    with SandboxServer(world="demo", seed=1) as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server):
    """The session's sandbox, reset to its seeded demo world before the test."""
    sandbox_server.reset()
    return sandbox_server


@pytest.fixture
def viewer(db):
    from tests.factories import make_user

    return make_user(Role.VIEWER, email="viewer@isv.example")


@pytest.fixture
def operator(db):
    from tests.factories import make_user

    return make_user(Role.OPERATOR, email="operator@isv.example")


@pytest.fixture
def admin(db):
    from tests.factories import make_user

    return make_user(Role.ADMIN, email="admin@isv.example")


@pytest.fixture
def client_for(client):
    """client_for(user) -> the test client, signed in as that user."""

    def sign_in(user):
        from django.contrib.auth import get_user_model

        from portal.grants import grants_of
        from tenants.statuspage import banners

        client.force_login(user)
        # As after a session's first page, the cache holds the user's role and permissions and
        # the incident banners (read on a fresh copy: the test's own object stays unmarked).
        grants_of(get_user_model().objects.get(pk=user.pk))
        banners(None)
        return client

    return sign_in


# --- the portal talking to the sandbox ERP (tenants, operations and errorguide tests) ------------


@pytest.fixture
def portal_isolation(settings):
    """A token cache of the test's own, a fresh repeat guard, and usage's limiter keys of its
    own: the state a test of the portal's ERP work must not share. Packages that talk to the
    sandbox through the portal use it autouse."""
    from tenants import erp
    from tests.tenants.helpers import isolate_caches
    from tests.usage.helpers import isolated_usage

    isolate_caches(settings)
    yield from isolated_usage(settings)
    erp.reset_process_state()


@pytest.fixture
def erp_settings(settings, sandbox):
    """The portal's ERP URLs point at the session's sandbox server."""
    from tests.tenants.helpers import point_at_sandbox

    point_at_sandbox(settings, sandbox)
    return sandbox


@pytest.fixture
def demo_clients(db):
    """The sandbox's two demo API clients, registered in the portal as the demo seeder does."""
    from tests.tenants.helpers import register_demo_clients

    return register_demo_clients()


# --- erpclient straight against the sandbox (erpclient and errorguide tests) --------------------


@pytest.fixture
def advance_sandbox_clock(sandbox):
    """A ``sleep`` for the client that moves the sandbox's clock instead of waiting for real;
    the sandbox runs background work that falls due before it answers."""

    def advance(seconds: float) -> None:
        sandbox.control("POST", "/_sandbox/clock", {"advance_seconds": round(seconds, 3)})

    return advance


def sandbox_away_from_the_hour(sandbox, margin_seconds: int = 300) -> None:
    """A test that spends a company's hour and then expects the ERP's 429 must not straddle the
    hour's end (the sandbox starts a fresh hour there): when the sandbox's hour ends within
    ``margin_seconds``, its clock is moved just past it first."""
    from datetime import datetime

    now = datetime.fromisoformat(sandbox.control("GET", "/_sandbox/clock")["now"])
    left = 3600 - (now.minute * 60 + now.second + now.microsecond / 1e6)
    if left < margin_seconds:
        sandbox.control("POST", "/_sandbox/clock", {"advance_seconds": round(left + 1, 3)})


@pytest.fixture
def erp(sandbox, advance_sandbox_clock):
    """Build sandbox clients: ``erp("healthy")``, ``erp("no_license", client_secret="x")``."""
    from erpclient import ErpClient, InMemoryRecorder
    from tests.erpclient.conftest import DEMO_TEST_CLIENT, demo_client, demo_tenant

    made = []

    def make(scenario: str = "healthy", **kwargs):
        client = demo_client(kwargs.pop("client_id", DEMO_TEST_CLIENT))
        kwargs.setdefault("client_secret", client["client_secret"])
        kwargs.setdefault("recorder", InMemoryRecorder())
        kwargs.setdefault("sleep", advance_sandbox_clock)
        erp_client = ErpClient.sandbox(
            sandbox.url,
            client_id=client["client_id"],
            tenant_id=kwargs.pop("tenant_id", demo_tenant(scenario)["tenant_id"]),
            **kwargs,
        )
        made.append(erp_client)
        return erp_client

    yield make
    for erp_client in made:
        erp_client.close()


def purge_broker() -> None:
    """Drop every message waiting in the broker. Tests that post webhooks or save records queue
    real Celery messages that no worker of theirs consumes; a test that starts a real worker
    starts it on an empty queue, or it works through thousands of other tests' messages first.
    A purged hand-over round leaves its flag standing, which would keep the inbox from announcing
    the next deliveries (webhooks/handoff.py), so the flag goes too."""
    from portal.celery import app

    app.control.purge()
    forget_hand_over()


def forget_hand_over() -> None:
    from django.core.cache import cache

    from webhooks import handoff

    cache.delete(handoff.FLAG)


@pytest.fixture(autouse=True)
def _announce_at_once(settings):
    """Each test's deliveries are announced by its own request, at once, so what a test sees
    published is its own; tests/webhooks/test_handoff.py runs the announcing thread itself."""
    settings.WEBHOOKS_ANNOUNCE_DELAY_SECONDS = 0


@pytest.fixture(autouse=True)
def _no_hand_over_pending():
    """An earlier test's hand-over round that never ran (no worker, or its message purged) must
    not keep this test's deliveries from being announced."""
    # RuntimeError: a test without database access, and a cache kept in the database (nothing
    # to forget there).
    with contextlib.suppress(RuntimeError):
        forget_hand_over()


@pytest.fixture(autouse=True)
def _no_incident_banners_cached():
    """The incident banners are cached for every page; a test's incidents are rolled back with
    it, and its cached banners must go with them."""
    from tenants.statuspage import forget_banners

    yield
    with contextlib.suppress(RuntimeError):
        forget_banners()


@pytest.fixture
def empty_broker():
    purge_broker()
