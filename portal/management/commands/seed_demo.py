"""Seed the demo: staff in each role, then whatever PORTAL_DEMO_SEEDERS add (clients, tenants).

Idempotent: running it again changes nothing.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal import audit
from portal.demo import DEMO_PASSWORD, DEMO_STAFF
from portal.models import User
from portal.roles import Role


class Command(BaseCommand):
    help = "Create the demo staff (idempotent). Refuses to run in production."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "seed_demo creates accounts with a published password; not in production."
            )
        created = self.seed_staff()
        for hook in getattr(settings, "PORTAL_DEMO_SEEDERS", []):
            created += _import(hook)(stdout=self.stdout)
        self.stdout.write(f"Demo ready ({created} new objects).")

    @transaction.atomic
    def seed_staff(self) -> int:
        created = 0
        for email, first, last, role in DEMO_STAFF:
            user, is_new = User.objects.get_or_create(
                email=email, defaults={"first_name": first, "last_name": last}
            )
            if is_new:
                user.set_password(DEMO_PASSWORD)
                user.is_staff = role is Role.ADMIN
                user.is_superuser = role is Role.ADMIN
                user.save()
                user.groups.set([Group.objects.get(name=role.value)])
                EmailAddress.objects.get_or_create(
                    user=user, email=email, defaults={"verified": True, "primary": True}
                )
                audit.record(
                    actor=None, action="user.seeded", target=user, details={"role": role.value}
                )
                created += 1
        return created


def _import(dotted: str):
    from django.utils.module_loading import import_string

    return import_string(dotted)
