"""The demo's dispatcher subscriptions for `make run`: one per demo API client, each with the key
the sandbox signs with when `make run` starts it with ``--events-url`` (the Procfile), so ERP
events changed in the sandbox arrive in the inbox from the first minute. Idempotent; never run in
production (seed_demo only). The key is the sandbox's published demo value, not a secret."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from erpsim.world import DEMO_CLIENTS, DEMO_EVENTS_KEY, demo_events_subscription_id

from . import services
from .models import Subscription


@transaction.atomic
def seed(stdout=None) -> int:
    created = 0
    for spec in DEMO_CLIENTS:
        dispatcher_id = demo_events_subscription_id(spec["client_id"])
        name = f"ERP events: {spec['name']}"
        # Already there, or a subscription of that name made by hand: left as it is.
        if Subscription.objects.filter(Q(dispatcher_id=dispatcher_id) | Q(name__iexact=name)):
            continue
        subscription = services.subscription_create(
            actor=None, name=name, dispatcher_id=dispatcher_id
        )
        services.signing_key_add(
            actor=None, subscription=subscription, label="Sandbox demo key", key=DEMO_EVENTS_KEY
        )
        created += 2
    if created and stdout is not None:
        stdout.write(f"Dispatcher subscriptions for the demo clients: {created // 2} added.")
    return created
