from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from . import probes, selectors, services
from .audit_links import mark_targets
from .forms import AuditFilterForm, InviteForm, RoleForm
from .htmx import HtmxHttpRequest, apply_errors, page_or_partial, query_without
from .invitations import user_for_invitation
from .models import User
from .roles import MANAGE_USERS, VIEW, Role
from .tasks import WORKER_HEARTBEAT_KEY


@require_GET
@permission_required(VIEW, raise_exception=True)
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    panels = []
    for dotted in settings.PORTAL_DASHBOARD_PANELS:
        panel = import_string(dotted)(request)
        if panel is not None:
            template_name, context = panel
            panels.append(render_to_string(template_name, context, request=request))
    return render(request, "portal/dashboard.html", {"dashboard_panels": panels})


@require_GET
@login_not_required
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says."""
    return redirect(static("img/favicon.svg"), permanent=True)


@require_GET
@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Unauthenticated liveness: database and broker. Says nothing secret, only ok/error."""
    checks = {"database": probes.check_database(), "broker": probes.check_broker()}
    healthy = all(result == "ok" for result in checks.values())
    body = {"status": "ok" if healthy else "error", **checks, "worker_seen": _worker_seen()}
    return JsonResponse(body, status=200 if healthy else 503)


def _worker_seen() -> str | None:
    """When a worker last ran the heartbeat task (informational: a stopped worker is not a 503)."""
    try:
        return cache.get(WORKER_HEARTBEAT_KEY)
    except Exception:
        return None


@require_GET
@permission_required(VIEW, raise_exception=True)
def audit_log(request: HtmxHttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    events = selectors.audit_events()
    if form.is_bound and form.is_valid():
        events = selectors.audit_events(**form.cleaned_data)
    page = Paginator(events.select_related("actor"), 50).get_page(request.GET.get("page"))
    mark_targets(page)
    context = {"form": form, "page": page, "query": query_without(request, "page")}
    # A bad filter is a 400; an htmx swap of the results needs a 2xx to show the error in place.
    invalid = form.is_bound and not form.is_valid() and not request.htmx
    template = page_or_partial(request, "portal/audit.html", "results")
    return render(request, template, context, status=400 if invalid else 200)


@require_GET
@permission_required(MANAGE_USERS, raise_exception=True)
def staff_list(request: HtmxHttpRequest) -> HttpResponse:
    return render(
        request, "portal/staff.html", {"users": selectors.staff_users(), "roles": list(Role)}
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE_USERS, raise_exception=True)
def staff_invite(request: HtmxHttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_invite(
                actor=request.user,
                email=form.cleaned_data["email"],
                role=Role(form.cleaned_data["role"]),
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {user.email}.")
            return redirect("staff_list")
    context = {"form": form, "invite_days": settings.PORTAL_INVITE_MAX_AGE_DAYS}
    return render(request, "portal/staff_invite.html", context)


@require_POST
@permission_required(MANAGE_USERS, raise_exception=True)
def staff_set_role(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles viewer, operator or admin.")
    else:
        try:
            services.user_set_role(
                actor=request.user, user=user, role=Role(form.cleaned_data["role"])
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{user.email} is now {form.cleaned_data['role']}.")
    return _back_to_staff(request)


@require_POST
@permission_required(MANAGE_USERS, raise_exception=True)
def staff_set_active(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(actor=request.user, user=user, active=active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{user.email} is {'active again' if active else 'deactivated'}.")
    return _back_to_staff(request)


@require_POST
@permission_required(MANAGE_USERS, raise_exception=True)
def staff_resend_invitation(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    try:
        services.user_resend_invitation(
            actor=request.user, user=user, base_url=request.build_absolute_uri("/")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"A new invitation link was sent to {user.email}.")
    return _back_to_staff(request)


def _back_to_staff(request: HtmxHttpRequest) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRefresh()
    return redirect("staff_list")


@require_http_methods(["GET", "POST"])
@login_not_required
@never_cache
def invitation_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = user_for_invitation(uidb64, token)
    if user is None:
        return render(request, "portal/invitation_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_accept_invitation(user=user, password=form.cleaned_data["new_password1"])
        messages.success(
            request, "Your password is set. Sign in with your email address and new password."
        )
        return redirect(settings.LOGIN_URL)
    return render(request, "portal/invitation_accept.html", {"form": form, "invited": user})
