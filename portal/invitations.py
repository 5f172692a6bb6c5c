"""Staff invitations: an admin invites by email; the link lets the invitee choose a password.

The token is Django's password-reset token with its own salt: it stops working once the password
is set (the hash changes), when the invitation is sent again (a new unusable password, so a new
hash) or after PORTAL_INVITE_MAX_AGE_DAYS.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from .models import User


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "portal.invitations.InvitationTokenGenerator"

    @property
    def _timeout(self) -> int:
        return settings.PORTAL_INVITE_MAX_AGE_DAYS * 24 * 3600

    def check_token(self, user, token) -> bool:
        # Django's version reads PASSWORD_RESET_TIMEOUT; invitations have their own maximum age.
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(
                self._make_token_with_timestamp(user, timestamp, secret), token
            ):
                break
        else:
            return False
        return self._num_seconds(self._now()) - timestamp <= self._timeout


invitation_tokens = InvitationTokenGenerator()


def invitation_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse(
        "invitation_accept", kwargs={"uidb64": uid, "token": invitation_tokens.make_token(user)}
    )


def user_for_invitation(uidb64: str, token: str) -> User | None:
    """The invited user if the link is valid and unused, else None."""
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        user = User.objects.get(pk=pk, is_active=True)
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        return None
    if user.has_usable_password() or not invitation_tokens.check_token(user, token):
        return None
    return user


def send_invitation(*, user: User, invited_by: User, base_url: str) -> None:
    context = {
        "user": user,
        "invited_by": invited_by,
        "url": base_url.rstrip("/") + invitation_path(user),
        "portal_name": settings.PORTAL_NAME,
        "max_age_days": settings.PORTAL_INVITE_MAX_AGE_DAYS,
    }
    send_mail(
        subject=f"You are invited to the {settings.PORTAL_NAME}",
        message=render_to_string("portal/email/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
