"""Endpoints that machines call (the inbound webhooks): no browser, no cookie, no login.

A view marked ``@machine_endpoint`` is exempt from CSRF and from the login rule (it verifies its
caller itself, over the raw body or by its URL token), and ``MachineEndpointMiddleware`` answers
it straight after the request-wide checks that come before it in ``MIDDLEWARE`` (security
headers, static files, allowed methods, data limits, the client's address). It skips the browser
middleware after it (sessions, CSRF, authentication, messages, clickjacking, CSP, htmx, allauth,
login, MFA, toasts): none applies to a caller without a cookie, and together they cost a webhook
about as much as the view itself (bench/webhooks.py).

Only paths under ``PORTAL_MACHINE_PATH_PREFIXES`` are looked up here, and only a marked view is
answered early; any other view under those paths goes through the whole stack, so a prefix set
too wide cannot take a page's login away.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import Resolver404, get_resolver
from django.views.decorators.csrf import csrf_exempt

MARK = "machine_endpoint"


def machine_endpoint(view):
    """Mark ``view`` as called by machines only: no CSRF, no login, no browser middleware."""
    view = csrf_exempt(login_not_required(view))
    setattr(view, MARK, True)
    return view


class MachineEndpointMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(settings.PORTAL_MACHINE_PATH_PREFIXES)

    def __call__(self, request):
        if self.prefixes and request.path_info.startswith(self.prefixes):
            match = _machine_view(request)
            if match is not None:
                request.resolver_match = match
                return match.func(request, *match.args, **match.kwargs)
        return self.get_response(request)


def _machine_view(request):
    """The URL match of ``request`` if it names a marked view, else None."""
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    key = (urlconf, request.path_info)
    match = _fixed_matches.get(key)
    if match is not None:
        return match
    try:
        match = get_resolver(urlconf).resolve(request.path_info)
    except Resolver404:
        return None
    if not getattr(match.func, MARK, False):
        return None
    if not match.args and not match.kwargs:
        # A path without arguments always resolves alike: kept, so a flood of deliveries does
        # not walk the URL patterns each time. Paths with arguments (a URL token) are not kept.
        _fixed_matches[key] = match
    return match


_fixed_matches: dict[tuple[str, str], object] = {}


@receiver(setting_changed)
def _forget_matches(*, setting, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _fixed_matches.clear()
