"""allauth wiring: no public sign-up (staff arrive by invitation, see invitations.py), the client
address from the portal's one rule, and the sign-in events in the audit log.

Audited here: sign-ins, failed sign-ins, lockouts (with how long), second factors added, removed
or reset, and failed second-factor codes. Never a password or a code: only the email typed.
"""

from __future__ import annotations

import math
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from . import audit
from .models import User
from .request_context import client_ip

LOGIN_FAILED = {"app": "allauth.account", "action": "login_failed"}


class PortalAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def get_client_ip(self, request) -> str:
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine the client's address.")
        return ip

    def pre_authenticate(self, request, **credentials) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            seconds = lockout_seconds(
                request, self._get_login_attempts_cache_key(request, **credentials)
            )
            _record_sign_in("user.locked_out", credentials, details={"seconds": seconds})
            raise ValidationError(
                f"Too many failed login attempts. Try again in {_wait_text(seconds)}.",
                code="too_many_login_attempts",
            ) from None

    def authentication_failed(self, request, **credentials) -> None:
        super().authentication_failed(request, **credentials)
        _record_sign_in("user.sign_in_failed", credentials)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """allauth asks for the password again before any change to a person's second factors,
        even seconds after the sign-in where they typed it (to allauth a sign-in is not a
        re-authentication). Enrolling the *first* factor within allauth's re-authentication
        timeout of a password sign-in, where the MFA rule sends operators and admins, is let
        through; every later change (removing TOTP, new recovery codes) still asks."""
        if app == "allauth.mfa" and _first_factor_right_after_password(self.request):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)


def _first_factor_right_after_password(request) -> bool:
    from allauth.account import app_settings
    from allauth.account.internal.flows.login import get_authentication_records  # no public API
    from allauth.mfa.models import Authenticator

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if Authenticator.objects.filter(user=user).exists():
        return False
    typed = [r for r in get_authentication_records(request, user) if r.get("method") == "password"]
    return bool(typed) and time.time() - typed[-1]["at"] < app_settings.REAUTHENTICATION_TIMEOUT


def lockout_seconds(request, key: str) -> int:
    """How long until allauth's failed-sign-in limits let this address and email try again."""
    from django.core.cache import cache

    now = time.time()
    wait = 0.0
    for rate in ratelimit.get_rates(**LOGIN_FAILED):
        cache_key = ratelimit.get_cache_key(request, **LOGIN_FAILED, rate=rate, key=key)
        history = [at for at in cache.get(cache_key, []) if at > now - rate.duration]
        if len(history) >= rate.amount:
            # Newest first: the attempt that must age out is the amount-th.
            wait = max(wait, history[rate.amount - 1] + rate.duration - now)
    return max(1, math.ceil(wait))


def _wait_text(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


def _typed_email(credentials: dict) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")[:254]


def _record_sign_in(action: str, credentials: dict, details: dict | None = None) -> None:
    email = _typed_email(credentials)
    user = User.objects.filter(email__iexact=email).first() if email else None
    with transaction.atomic():
        audit.record(
            actor=None,
            action=action,
            target=user,
            target_type="" if user else "portal.user",
            target_label=email,
            details=details,
        )


# --- allauth's signals (connected in apps.py) ---------------------------------------------------


def on_signed_in(sender, request, user, **kwargs) -> None:
    with transaction.atomic():
        audit.record(actor=user, action="user.signed_in", target=user)


def _on_authenticator(action: str):
    def receiver(sender, request, user, authenticator, **kwargs) -> None:
        acting = getattr(request, "user", None) if request is not None else None
        with transaction.atomic():
            audit.record(
                actor=acting if acting is not None and acting.is_authenticated else user,
                action=action,
                target=user,
                details={"type": authenticator.type},
            )

    return receiver


on_authenticator_added = _on_authenticator("user.mfa_added")
on_authenticator_removed = _on_authenticator("user.mfa_removed")
on_authenticator_reset = _on_authenticator("user.mfa_reset")
on_authentication_failed = _on_authenticator("user.mfa_failed")


def connect_signals() -> None:
    from allauth.account.signals import user_logged_in
    from allauth.mfa import signals as mfa

    user_logged_in.connect(on_signed_in, dispatch_uid="portal.audit.signed_in")
    mfa.authenticator_added.connect(on_authenticator_added, dispatch_uid="portal.audit.mfa_added")
    mfa.authenticator_removed.connect(
        on_authenticator_removed, dispatch_uid="portal.audit.mfa_removed"
    )
    mfa.authenticator_reset.connect(on_authenticator_reset, dispatch_uid="portal.audit.mfa_reset")
    mfa.authentication_failed.connect(
        on_authentication_failed, dispatch_uid="portal.audit.mfa_failed"
    )
