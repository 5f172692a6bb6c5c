"""State changes of the portal app (staff and roles). Keyword-only, ``actor=`` first, one audit row
in the same transaction as the change."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from . import audit
from .invitations import send_invitation
from .models import User
from .roles import Role


def _apply_role(user: User, role: Role) -> None:
    user.groups.set([Group.objects.get(name=role.value)])
    # Only admins may open the Django admin.
    user.is_staff = role is Role.ADMIN
    user.save(update_fields=["is_staff"])


def user_invite(
    *, actor: User, email: str, role: Role, first_name: str = "", last_name: str = "", base_url: str
) -> User:
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "Someone with this email address is already a user."})
    with transaction.atomic():
        user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name)
        _apply_role(user, role)
        audit.record(actor=actor, action="user.invited", target=user, details={"role": role.value})
        transaction.on_commit(
            lambda: send_invitation(user=user, invited_by=actor, base_url=base_url)
        )
    return user


def user_resend_invitation(*, actor: User, user: User, base_url: str) -> None:
    if user.has_usable_password():
        raise ValidationError("This user has already accepted the invitation.")
    with transaction.atomic():
        # A fresh unusable password changes what the invitation token is made from, so every
        # earlier link stops working (see invitations.py).
        user.set_unusable_password()
        user.save(update_fields=["password"])
        audit.record(actor=actor, action="user.invitation_resent", target=user)
        transaction.on_commit(
            lambda: send_invitation(user=user, invited_by=actor, base_url=base_url)
        )


def user_accept_invitation(*, user: User, password: str) -> None:
    """The invitee sets a password; their email is thereby verified."""
    from allauth.account.models import EmailAddress

    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        audit.record(actor=user, action="user.invitation_accepted", target=user)


def user_set_role(*, actor: User, user: User, role: Role) -> None:
    if user == actor:
        raise ValidationError("You cannot change your own role; ask another admin.")
    with transaction.atomic():
        _apply_role(user, role)
        audit.record(
            actor=actor, action="user.role_changed", target=user, details={"role": role.value}
        )


def user_set_active(*, actor: User, user: User, active: bool) -> None:
    if user == actor:
        raise ValidationError("You cannot deactivate yourself.")
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            action="user.reactivated" if active else "user.deactivated",
            target=user,
        )
