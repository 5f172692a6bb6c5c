"""`make run` hears ERP events: the demo seeder adds each demo client's dispatcher subscription
with the key the sandbox signs with, and the Procfile starts the sandbox posting every event to
the portal's dispatcher inbox."""

from __future__ import annotations

import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from erpsim.__main__ import parse_args
from erpsim.testing import SandboxServer
from erpsim.world import DEMO_CLIENTS, demo_events_subscription_id
from webhooks import demo
from webhooks.models import DeliveryStatus, InboundDelivery, Subscription

NORDLYS = "5d1f3b0a-8c2e-4f6a-9b71-2e4c6a8d0f11"
PROCFILE = Path(settings.BASE_DIR) / "Procfile"


def _sandbox_args(portal_port: int):
    """The sandbox's command line as the Procfile gives it to honcho, for this portal port."""
    line = next(x for x in PROCFILE.read_text().splitlines() if x.startswith("sandbox:"))
    command = line.split(":", 1)[1].replace("${PORTAL_PORT:-8000}", str(portal_port))
    command = command.replace("${SANDBOX_PORT:-8765}", "8765")
    args = shlex.split(command)
    assert args[:3] == ["python", "-m", "erpsim"]
    return parse_args(args[3:])


@pytest.mark.django_db
def test_the_seeder_adds_each_demo_clients_subscription_once():
    assert "webhooks.demo.seed" in settings.PORTAL_DEMO_SEEDERS
    assert demo.seed() == 2 * len(DEMO_CLIENTS)
    assert demo.seed() == 0, "a second run adds nothing"
    seeded = Subscription.objects.prefetch_related("keys")
    assert {s.dispatcher_id for s in seeded} == {
        demo_events_subscription_id(spec["client_id"]) for spec in DEMO_CLIENTS
    }
    assert all(len([k for k in s.keys.all() if k.active]) == 1 for s in seeded)


@pytest.mark.django_db
def test_the_seeder_leaves_a_subscription_of_the_same_name_alone():
    first = DEMO_CLIENTS[0]
    Subscription.objects.create(name=f"ERP events: {first['name']}", dispatcher_id="by-hand")
    assert demo.seed() == 2 * (len(DEMO_CLIENTS) - 1)
    assert Subscription.objects.filter(dispatcher_id="by-hand").count() == 1


def test_the_procfile_tells_the_sandbox_the_inbox_url():
    args = _sandbox_args(8000)
    assert args.events_url == f"http://127.0.0.1:8000{reverse('webhooks:inbound_visma')}"
    assert args.world == "demo"


@pytest.mark.django_db(transaction=True)
def test_the_sandbox_of_make_run_posts_signed_events_the_seeded_inbox_verifies(live_server):
    demo.seed()
    args = _sandbox_args(urlsplit(live_server.url).port)
    sandbox = SandboxServer(world=args.world, events_url=args.events_url).start()
    try:
        sandbox.control(
            "POST",
            "/_sandbox/events",
            {
                "tenant_id": NORDLYS,
                "event": "apinvoice_statuschanged",
                "entity_id": "Invoice/100012",
            },
        )
        sandbox.control("POST", "/_sandbox/webhooks/flush")
    finally:
        sandbox.stop()
    deliveries = list(InboundDelivery.objects.filter(event_type="apinvoice_statuschanged"))
    # One notification per demo client the company approved, each verified with the seeded key.
    assert deliveries
    assert all(d.verified for d in deliveries), [d.verification_note for d in deliveries]
    assert all(d.status != DeliveryStatus.REJECTED for d in deliveries)
    assert {d.subscription_id for d in deliveries} <= {
        demo_events_subscription_id(spec["client_id"]) for spec in DEMO_CLIENTS
    }


def test_the_sandbox_refuses_an_events_url_it_may_not_post_to():
    assert parse_args([]).events_url == "", "without the flag: no subscriptions"
    with pytest.raises(SystemExit):
        parse_args(["--events-url", "http://portal.example/webhooks/in/visma/"])
    with pytest.raises(SystemExit):
        parse_args(["--events-url", "ftp://127.0.0.1/"])
