"""factory_boy factories shared by every test package."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from portal.models import User
from portal.roles import Role

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@isv.example")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)


def make_user(role: Role = Role.VIEWER, **fields) -> User:
    """A signed-up staff member in one role (password: PASSWORD)."""
    user = UserFactory(**fields)
    user.groups.set([Group.objects.get(name=role.value)])
    if role is Role.ADMIN:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user
