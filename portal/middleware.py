"""Request-wide rules: allowed methods, login everywhere, MFA for staff roles, the audit's client
address, and Django messages turned into htmx toasts."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from .request_context import client_ip, current_ip
from .roles import OPERATE

logger = logging.getLogger(__name__)

# The portal only speaks GET and POST (HEAD and OPTIONS come free); anything else is refused before
# any view runs, so no view can be reached by a verb nobody reviewed.
ALLOWED_METHODS = ("GET", "HEAD", "POST", "OPTIONS")


class AllowedMethodsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ALLOWED_METHODS:
            return HttpResponseNotAllowed(ALLOWED_METHODS)
        return self.get_response(request)


class RequestDataLimitsMiddleware:
    """A request with more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS (or a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE) gets a plain 400 here, before any view reads its data. Left to
    the view, Django's debug page would read the same data again while reporting the error, fail
    again, and answer a slow 500."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.GET  # noqa: B018 (parsing is the check)
            if request.method == "POST" and request.content_type in self.FORM_TYPES:
                request.POST  # noqa: B018
        except (TooManyFieldsSent, TooManyFilesSent, RequestDataTooBig) as error:
            logger.warning("Refused %s %s: %s", request.method, request.path, error)
            return HttpResponseBadRequest(
                "This request is too large for the portal: it takes at most "
                f"{settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,} fields and "
                f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024:.1f} MB of form data.\n",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's login-everywhere middleware; htmx requests get a full-page redirect instead of a
    login form swapped into a fragment."""

    def handle_no_permission(self, request, view_func):
        response = super().handle_no_permission(request, view_func)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(response["Location"])
        return response


# Pages a user must still reach while being made to enrol a second factor.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/livez", "/readyz")


class MfaRequiredMiddleware:
    """With PORTAL_MFA_REQUIRED_FOR_STAFF, operators and admins enrol TOTP before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.PORTAL_MFA_REQUIRED_FOR_STAFF
            and request.user.is_authenticated
            and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
            and request.user.has_perm(OPERATE)
            and not _has_mfa(request.user)
        ):
            messages.warning(
                request,
                "Your role can change customer data, so a second factor is required. "
                "Set up an authenticator app to continue.",
            )
            url = reverse("mfa_activate_totp")
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(url)
            return HttpResponseRedirect(url)
        return self.get_response(request)


def _has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class HtmxMessagesMiddleware:
    """For htmx responses, hand queued Django messages to the page as an HX-Trigger event so they
    show as toasts (the full-page layout renders them itself)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(request, "htmx", False) or "HX-Redirect" in response:
            return response
        if 300 <= response.status_code < 400:
            return response
        queued = [
            {"level": message.level_tag, "text": str(message)}
            for message in messages.get_messages(request)
        ]
        if not queued:
            return response
        # Added to any event the view already triggers (django-htmx merges the header).
        return trigger_client_event(response, "portal:messages", queued)
