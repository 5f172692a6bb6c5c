"""allauth wiring: no public sign-up; staff arrive by invitation (see invitations.py)."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter


class PortalAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False
