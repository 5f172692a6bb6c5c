"""The inbound endpoints (machine endpoints: no login, no CSRF, no browser middleware; each is
verified over its raw body or by its URL token instead) and the inbox's pages (login; viewers
read, admins reprocess and manage keys)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from portal.htmx import HtmxHttpRequest, apply_errors, page_or_partial, query_without
from portal.inputs import is_database_id
from portal.machine import machine_endpoint
from portal.roles import MANAGE_CREDENTIALS, VIEW

from . import intake, selectors, services
from .forms import (
    InboxFilterForm,
    ReprocessRangeForm,
    SigningKeyForm,
    StatuspageTokenForm,
    SubscriptionForm,
)
from .handlers import Source
from .models import InboundDelivery, SigningKey, StatuspageToken, Subscription

PAGE_SIZE = 50
ADMIN = MANAGE_CREDENTIALS


# --- inbound ------------------------------------------------------------------------------------


def _inbound(request: HttpRequest, source: Source, endpoint: str, token: str = "") -> HttpResponse:
    answer = intake.receive(request, source=source, endpoint=endpoint, url_token=token)
    response = JsonResponse(answer.as_json(), status=answer.status)
    response["Cache-Control"] = "no-store"  # what never_cache says, without its date arithmetic
    return response


@machine_endpoint
@require_POST
def inbound_visma(request: HttpRequest) -> HttpResponse:
    return _inbound(request, Source.VISMA, "visma")


@machine_endpoint
@require_POST
def inbound_background(request: HttpRequest) -> HttpResponse:
    return _inbound(request, Source.BACKGROUND_URL, "background")


@machine_endpoint
@require_POST
def inbound_statuspage(request: HttpRequest, token: str) -> HttpResponse:
    return _inbound(request, Source.STATUSPAGE, "statuspage", token)


# --- pages --------------------------------------------------------------------------------------


@require_GET
@permission_required(VIEW, raise_exception=True)
def inbox(request: HtmxHttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.inbox(**{key: value for key, value in filters.items() if value})
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": query_without(request, "page"),
        "range_form": ReprocessRangeForm() if request.user.has_perm(ADMIN) else None,
        "can_reprocess": request.user.has_perm(ADMIN),
        "silence_alarms": selectors.open_silence_alarms(),
    }
    return render(request, page_or_partial(request, "webhooks/inbox.html", "results"), context)


def _delivery(pk: str) -> InboundDelivery:
    if not is_database_id(pk):
        raise Http404("No such delivery.")
    return get_object_or_404(InboundDelivery, pk=int(pk))


@require_GET
@permission_required(VIEW, raise_exception=True)
def delivery(request: HtmxHttpRequest, pk: str) -> HttpResponse:
    item = _delivery(pk)
    context = {
        "delivery": item,
        "body": selectors.shown_body(item),
        "duplicates": item.duplicates.order_by("received_at")[:50],
        "can_reprocess": request.user.has_perm(ADMIN),
    }
    return render(request, "webhooks/delivery.html", context)


@require_POST
@permission_required(ADMIN, raise_exception=True)
def reprocess(request: HtmxHttpRequest, pk: str) -> HttpResponse:
    item = _delivery(pk)
    try:
        services.delivery_reprocess(actor=request.user, delivery=item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Delivery {item.pk} is queued to be processed again.")
    return redirect("webhooks:delivery", pk=item.pk)


@require_POST
@permission_required(ADMIN, raise_exception=True)
def reprocess_range(request: HtmxHttpRequest) -> HttpResponse:
    form = ReprocessRangeForm(request.POST)
    if form.is_valid():
        try:
            result = services.deliveries_reprocess_range(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if not result.queued:
                messages.info(
                    request,
                    "No delivery received in that range has one of the statuses you chose; "
                    "nothing was queued. Widen the range or choose other statuses.",
                )
                return redirect("webhooks:inbox")
            more = " More match: run it again for the rest." if result.more else ""
            counted = "1 delivery is" if result.queued == 1 else f"{result.queued:,} deliveries are"
            messages.success(request, f"{counted} queued to be processed again.{more}")
            return redirect("webhooks:inbox")
    context = {
        "form": InboxFilterForm(),
        "page": Paginator(selectors.inbox(), PAGE_SIZE).get_page(1),
        "query": "",
        "range_form": form,
        "can_reprocess": True,
    }
    return render(request, "webhooks/inbox.html", context, status=400)


# --- verification settings (admins) -------------------------------------------------------------


@require_GET
@permission_required(ADMIN, raise_exception=True)
def verification(request: HtmxHttpRequest) -> HttpResponse:
    return _verification_page(request)


def _key_form(subscription_pk: int, data=None) -> SigningKeyForm:
    # One form per subscription on the page: ids of their own.
    return SigningKeyForm(data, auto_id=f"id_key{subscription_pk}_%s")


def _verification_page(request, *, status: int = 200, new_url: str = "", **forms) -> HttpResponse:
    found = selectors.verification_settings()
    errored = forms.get("key_form")
    context = {
        **found,
        "subscription_rows": [
            (
                subscription,
                errored
                if errored and forms.get("key_form_for") == subscription.pk
                else _key_form(subscription.pk),
            )
            for subscription in found["subscriptions"]
        ],
        "subscription_form": forms.get("subscription_form") or SubscriptionForm(),
        "token_form": forms.get("token_form") or StatuspageTokenForm(),
        "new_url": new_url,
        "dispatcher_url": request.build_absolute_uri(reverse("webhooks:inbound_visma")),
        "background_url": request.build_absolute_uri(reverse("webhooks:inbound_background")),
    }
    return render(request, "webhooks/verification.html", context, status=status)


@require_POST
@permission_required(ADMIN, raise_exception=True)
def subscription_create(request: HtmxHttpRequest) -> HttpResponse:
    form = SubscriptionForm(request.POST)
    if form.is_valid():
        try:
            services.subscription_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Subscription added. Now add its signature key.")
            return redirect("webhooks:verification")
    return _verification_page(request, status=400, subscription_form=form)


@require_POST
@permission_required(ADMIN, raise_exception=True)
def signing_key_add(request: HtmxHttpRequest, pk: str) -> HttpResponse:
    if not is_database_id(pk):
        return HttpResponse("No such subscription.", status=404)
    subscription = get_object_or_404(Subscription, pk=int(pk))
    form = _key_form(subscription.pk, request.POST)
    if form.is_valid():
        try:
            services.signing_key_add(
                actor=request.user,
                subscription=subscription,
                label=form.cleaned_data["label"],
                key=form.cleaned_data["key"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Key added to {subscription}. Every active key is accepted until you retire it.",
            )
            return redirect("webhooks:verification")
    return _verification_page(request, status=400, key_form=form, key_form_for=subscription.pk)


@require_POST
@permission_required(ADMIN, raise_exception=True)
def signing_key_retire(request: HtmxHttpRequest, pk: str) -> HttpResponse:
    if not is_database_id(pk):
        return HttpResponse("No such key.", status=404)
    key = get_object_or_404(SigningKey, pk=int(pk), active=True)
    services.signing_key_retire(actor=request.user, signing_key=key)
    messages.success(request, f"Key “{key.label}” retired: it no longer verifies anything.")
    return redirect("webhooks:verification")


@require_POST
@permission_required(ADMIN, raise_exception=True)
def statuspage_token_create(request: HtmxHttpRequest) -> HttpResponse:
    form = StatuspageTokenForm(request.POST)
    if not form.is_valid():
        return _verification_page(request, status=400, token_form=form)
    _, plaintext = services.statuspage_token_create(
        actor=request.user, label=form.cleaned_data["label"]
    )
    url = request.build_absolute_uri(reverse("webhooks:inbound_statuspage", args=[plaintext]))
    # Shown once, on this answer only; the portal keeps its hash.
    return _verification_page(request, new_url=url)


@require_POST
@permission_required(ADMIN, raise_exception=True)
def statuspage_token_retire(request: HtmxHttpRequest, pk: str) -> HttpResponse:
    if not is_database_id(pk):
        return HttpResponse("No such URL.", status=404)
    token = get_object_or_404(StatuspageToken, pk=int(pk), active=True)
    services.statuspage_token_retire(actor=request.user, token=token)
    messages.success(request, f"URL “{token.label}” retired: Statuspage posts to it are refused.")
    return redirect("webhooks:verification")
