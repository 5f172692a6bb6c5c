"""The htmx sales order form.

The form is one ``<form>`` that posts to itself: every change (add or remove a line, pick a
customer or an item, change a type or a purchase source) is a server round trip that re-renders
the form from what was posted, so no script renumbers lines; Preview and Create are the same
post with another ``action``. Viewers see orders, never the form.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from erpclient import errors
from portal import form_tokens
from portal.htmx import HtmxHttpRequest, page_or_partial
from portal.inputs import database_id
from portal.roles import OPERATE
from tenants.models import Tenant

from ..access import Capability, readiness
from ..lookups import Lookup
from . import erp_lookups, services
from .forms import (
    MAX_LINES,
    NONE,
    PO_SOURCES,
    PREFIX,
    SOURCE_CHOICES,
    SOURCE_LABELS,
    LineFormSet,
    OrderHeaderForm,
    OrderLineForm,
    command,
)
from .line_html import line_row
from .models import Outcome, PortalOrder
from .problems import place
from .view_helpers import erp_reading, tenant_or_404

KIND = "sales_order"
FORM_TEMPLATE = "operations/orders/form.html"
LINE_NAMES = list(OrderLineForm.base_fields)
HEADER_NAMES = list(OrderHeaderForm.base_fields)


# --- the form ---------------------------------------------------------------------------------


def _posted_lines(data) -> list[dict[str, str]]:
    try:
        total = int(data.get(f"{PREFIX}-TOTAL_FORMS") or 0)
    except ValueError:
        total = 0
    total = max(0, min(total, MAX_LINES + 1))
    return [
        {name: data.get(f"{PREFIX}-{i}-{name}", "") for name in LINE_NAMES} for i in range(total)
    ]


def _posted_header(data) -> dict[str, str]:
    return {name: data.get(name, "") for name in HEADER_NAMES}


def _empty_line() -> dict[str, str]:
    return {"purchase_order_source": NONE}


# What a person fills in on a line; the hidden helpers (the item's defaults) are not among them.
_TYPED = ("inventory_id", "description", "quantity", "unit", "unit_price", "warehouse_id")
_TYPED += ("discount_percent", "supplier_id")


def _is_blank(line: dict[str, str]) -> bool:
    return not any(line[name].strip() for name in _TYPED) and line["purchase_order_source"] in (
        "",
        NONE,
    )


def _without_blank_lines(data):
    """The posted form without the lines left empty ("Add line" pressed once too often), so they
    neither block a preview nor reach the ERP; one line stays to carry "Add at least one line"."""
    lines = _posted_lines(data)
    kept = [line for line in lines if not _is_blank(line)] or lines[:1]
    if len(kept) == len(lines):
        return data
    trimmed = data.copy()
    for key in list(trimmed):
        if key.startswith(f"{PREFIX}-") and key.split("-")[1].isdigit():
            del trimmed[key]
    for index, line in enumerate(kept):
        for name, value in line.items():
            trimmed[f"{PREFIX}-{index}-{name}"] = value
    trimmed[f"{PREFIX}-TOTAL_FORMS"] = trimmed[f"{PREFIX}-INITIAL_FORMS"] = str(len(kept))
    return trimmed


class _Page:
    """What one rendering of the form needs."""

    def __init__(self, request: HtmxHttpRequest, tenant: Tenant) -> None:
        self.request = request
        self.tenant = tenant
        self.types_error: errors.ErpError | None = None
        try:
            self.types = erp_lookups.order_types(tenant)
        except errors.ErpError as error:
            if request.method != "POST" or not request.POST.get("order_type"):
                raise
            # The types could not be read again while the form was being filled in: keep the
            # posted type (the ERP checks it on create) rather than lose what was typed.
            self.types_error = error
            posted = request.POST["order_type"][:2]
            row = {
                "id": posted,
                "description": posted,
                "manual": bool(request.POST.get("order_id")),
            }
            self.types = Lookup((row,), timezone.now(), True, False)

    def locations(self, header: dict[str, str]) -> list[dict]:
        # Loaded once a customer was picked from the ERP's list (then cached).
        if not (header.get("customer_id") and header.get("customer_name")):
            return []
        try:
            return list(erp_lookups.locations(self.tenant, header["customer_id"]).rows)
        except errors.ErpError:
            return []

    def unbound(self, header: dict[str, str], lines: list[dict[str, str]]):
        header_form = OrderHeaderForm(
            initial=header, types=list(self.types.rows), locations=self.locations(header)
        )
        return header_form, PlainLines(lines or [_empty_line()])

    def bound(self, data):
        header = _posted_header(data)
        header_form = OrderHeaderForm(
            data, types=list(self.types.rows), locations=self.locations(header)
        )
        return header_form, LineFormSet(_without_blank_lines(data), prefix=PREFIX)

    def render(self, header_form, lines, token: str, status: int = 200, **extra: Any):
        order_type = header_form["order_type"].value()
        rows = _rows(lines)
        items_url = reverse("operations:order_items", args=[self.tenant.pk])
        focus_index, focus_field = extra.get("focus_line") or (None, "")
        suppliers_url = reverse("operations:order_suppliers", args=[self.tenant.pk])
        for row in rows:
            row.html = line_row(
                row,
                items_url=items_url,
                suppliers_url=suppliers_url,
                form_path=self.request.path,
                focus=focus_field if row.index == focus_index else "",
            )
        if self.types_error is not None and "erp_error" not in extra:
            extra["erp_error"] = erp_reading(self.tenant, self.types_error)
        context = {
            "tenant": self.tenant,
            "header": header_form,
            "line_errors": list(lines.non_form_errors()),
            "rows": rows,
            "prefix": PREFIX,
            "token": token,
            "manual": header_form.manual(order_type),
            "types_fetched_at": self.types.fetched_at,
            "max_lines": MAX_LINES,
            "at_max": len(rows) >= MAX_LINES,
            "source_choices": SOURCE_CHOICES,
            **extra,
        }
        template = page_or_partial(self.request, FORM_TEMPLATE, "form")
        return render(self.request, template, context, status=status)


class PlainLines:
    """The lines of an editing round trip: the posted values as typed, nothing validated (a
    half-typed line is no error yet). Rendering these needs no Django form per line."""

    def __init__(self, values: list[dict[str, str]]) -> None:
        self.values = values

    def non_form_errors(self) -> list[str]:
        return []


@dataclass(slots=True)
class LineRow:
    index: int
    prefix: str
    values: dict[str, str]
    errors: dict[str, list[str]]
    general: list[str]
    is_po: bool
    default_label: str
    html: str = ""

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.general)


def _row(index: int, values: dict[str, Any], errors=None, general=()) -> LineRow:
    shown = {name: "" if values.get(name) is None else str(values[name]) for name in LINE_NAMES}
    source = shown["purchase_order_source"] or NONE
    shown["purchase_order_source"] = source
    return LineRow(
        index=index,
        prefix=f"{PREFIX}-{index}",
        values=shown,
        errors=errors or {},
        general=list(general),
        is_po=source in PO_SOURCES,
        default_label=_default_label(shown["source_default"], source),
    )


def _rows(lines) -> list[LineRow]:
    if isinstance(lines, PlainLines):
        return [_row(index, values) for index, values in enumerate(lines.values)]
    rows = []
    for index, form in enumerate(lines.forms):
        values = {name: form[name].value() for name in LINE_NAMES}
        errors = {name: list(e) for name, e in form.errors.items() if name != "__all__"}
        rows.append(_row(index, values, errors, form.non_field_errors()))
    return rows


def _default_label(default: str, source: str) -> str:
    if default in PO_SOURCES and source == default:
        return "default from the item"
    if default in PO_SOURCES:
        return f"the item's default is {SOURCE_LABELS[default].lower()}"
    return ""


def token_scope(tenant: Tenant) -> str:
    """A new order form's token is good for its tenant only (there is no document yet)."""
    return str(tenant.pk)


def _new_token(request, tenant: Tenant) -> str:
    return form_tokens.issue(user=request.user, kind=KIND, scope=token_scope(tenant))


@require_http_methods(["GET", "POST"])
@permission_required(OPERATE, raise_exception=True)
def new(request: HtmxHttpRequest, tenant_pk: int) -> HttpResponse:
    tenant = tenant_or_404(tenant_pk)
    ready = readiness(tenant, Capability.SALES_ORDERS)
    if not ready.ready:
        return render(
            request, "operations/orders/not_ready.html", {"tenant": tenant, "ready": ready}
        )
    try:
        page = _Page(request, tenant)
    except errors.ErpError as error:
        return render(
            request,
            "operations/orders/not_ready.html",
            {"tenant": tenant, "ready": ready, "error": erp_reading(tenant, error)},
        )
    if request.method == "GET":
        return _first_render(request, page)
    action = request.POST.get("action") or "refresh"
    if action in ("preview", "create"):
        return _submit(request, page, action)
    return _edit(request, page, action)


def _first_render(request, page: _Page) -> HttpResponse:
    types = page.types.rows
    first = types[0] if types else None
    header = {"order_type": first["id"] if first else "", "status": ""}
    if first and first["manual"]:
        header["order_id"] = services.own_number_take(tenant=page.tenant)
    header_form, line_forms = page.unbound(header, [_empty_line()])
    return page.render(header_form, line_forms, _new_token(request, page.tenant))


def _edit(request, page: _Page, action: str) -> HttpResponse:
    """A round trip while typing: change the posted values as ``action`` says, re-render."""
    data = request.POST
    header = _posted_header(data)
    lines = _posted_lines(data)[:MAX_LINES]
    notice = ""
    # Who takes the keyboard focus after the round trip (the button pressed is gone).
    focus_line: tuple[int, str] | None = None
    focus_customer = False
    if action == "add":
        if len(lines) >= MAX_LINES:
            notice = f"An order can have at most {MAX_LINES} lines."
        else:
            lines.append(_empty_line())
            focus_line = (len(lines) - 1, "inventory_id")
    elif action.startswith("remove:"):
        index = _index(action.split(":", 1)[1], len(lines))
        if index is not None:
            del lines[index]
        if not lines:
            lines.append(_empty_line())
        if index is not None:
            # The keyboard stays where the removed line was: on the line that took its place.
            focus_line = (min(index, len(lines) - 1), "inventory_id")
    elif action.startswith("customer:"):
        notice = _pick_customer(page.tenant, header, action.split(":", 1)[1])
        focus_customer = True
    elif action.startswith("supplier:"):
        _, index_text, supplier_id = [*action.split(":", 2), "", ""][:3]
        index = _index(index_text, len(lines))
        if index is not None:
            notice = _pick_supplier(page.tenant, lines[index], supplier_id, index)
    elif action.startswith("item:"):
        _, index_text, item_id = [*action.split(":", 2), "", ""][:3]
        index = _index(index_text, len(lines))
        if index is not None:
            notice = _pick_item(page.tenant, lines[index], item_id, index)
            focus_line = (index, "inventory_id" if notice else "quantity")
    if header.get("order_type") and page.types.rows:
        manual = any(r["id"] == header["order_type"] and r["manual"] for r in page.types.rows)
        if manual and not header.get("order_id"):
            header["order_id"] = services.own_number_take(tenant=page.tenant)
    for line in lines:
        if line.get("purchase_order_source") not in PO_SOURCES:
            line["supplier_id"] = ""
    header_form, line_forms = page.unbound(header, lines)
    token = data.get("token") or _new_token(request, page.tenant)
    return page.render(
        header_form,
        line_forms,
        token,
        notice=notice,
        focus_line=focus_line,
        focus_customer=focus_customer,
    )


def _index(text: str, count: int) -> int | None:
    try:
        index = database_id(int(text) + 1) - 1
    except (ValueError, TypeError):
        return None
    return index if index < count else None


_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,29}$")


def _pick_customer(tenant: Tenant, header: dict[str, str], customer_id: str) -> str:
    if not _ID.match(customer_id):
        return "That is not a customer number; pick the customer from the list."
    try:
        row = erp_lookups.customer(tenant, customer_id)
    except errors.ErpError as error:
        return f"The customer could not be read from the ERP: {error.message}"
    if row is None:
        return f"There is no customer {customer_id[:30]} in the ERP."
    if not row["active"]:
        return f"Customer {row['id']} {row['name']} is inactive in the ERP; pick another."
    header.update(
        customer_id=row["id"],
        customer_name=row["name"],
        customer_currency=row["currency"],
        location_id="",
    )
    return ""


def _pick_item(tenant: Tenant, line: dict[str, str], item_id: str, index: int) -> str:
    if not _ID.match(item_id):
        return f"Line {index + 1}: that is not an item id; pick the item from the list."
    try:
        row = erp_lookups.items_by_id(tenant, [item_id]).get(item_id)
    except errors.ErpError as error:
        return f"The item could not be read from the ERP: {error.message}"
    if row is None:
        return f"Line {index + 1}: there is no item {item_id[:30]} in the ERP."
    source = row["source"] or NONE
    price = row.get("price")
    line.update(
        inventory_id=row["id"],
        erp_price="" if price is None else f"{price:g}",
        unit=line.get("unit") or row["unit"],
        purchase_order_source=source,
        source_default=source,
    )
    if source not in PO_SOURCES:
        line["supplier_id"] = ""
    return ""


def _pick_supplier(tenant: Tenant, line: dict[str, str], supplier_id: str, index: int) -> str:
    if not _ID.match(supplier_id):
        return f"Line {index + 1}: that is not a supplier number; pick one from the list."
    if line.get("purchase_order_source") not in PO_SOURCES:
        return f"Line {index + 1}: a supplier can be chosen only on a line marked for purchase."
    try:
        rows, _ = erp_lookups.suppliers(tenant, supplier_id)
    except errors.ErpError as error:
        return f"The supplier could not be read from the ERP: {error.message}"
    row = next((r for r in rows if r["id"] == supplier_id), None)
    if row is None:
        return f"Line {index + 1}: there is no supplier {supplier_id} in the ERP."
    if not row["active"]:
        return f"Line {index + 1}: supplier {row['id']} {row['name']} is inactive; pick another."
    line["supplier_id"] = row["id"]
    return ""


def _erp_checks(tenant: Tenant, header_form, line_forms) -> None:
    """What only the ERP knows, checked from the cached lookups before anything is sent: the
    customer exists and is active, every item exists."""
    customer_id = header_form.cleaned_data["customer_id"]
    row = erp_lookups.customer(tenant, customer_id)
    if row is None:
        header_form.add_error(
            "customer_id", f"There is no customer {customer_id} in the ERP. Pick one from the list."
        )
    elif not row["active"]:
        header_form.add_error(
            "customer_id", f"Customer {customer_id} is inactive in the ERP; pick another."
        )
    ids = [form.cleaned_data["inventory_id"] for form in line_forms.forms]
    known = erp_lookups.items_by_id(tenant, ids)
    for number, (form, item_id) in enumerate(zip(line_forms.forms, ids, strict=True), start=1):
        if item_id not in known:
            form.add_error(
                "inventory_id",
                f"Line {number}, item: {item_id} is not an item of this company in the ERP. "
                "Pick one from the list.",
            )


def _summary(header_form, line_forms) -> list[str]:
    found = [f"{e}" for e in header_form.non_field_errors()]
    for name, field_errors in header_form.errors.items():
        if name == "__all__":
            continue
        label = header_form.fields[name].label or name
        found += [e if e.startswith(f"{label}:") else f"{label}: {e}" for e in field_errors]
    found += list(line_forms.non_form_errors())
    for number, form in enumerate(line_forms.forms, start=1):
        for name, field_errors in form.errors.items():
            label = "" if name == "__all__" else (form.fields[name].label or name).lower()
            prefix = f"Line {number}, {label}: " if label else f"Line {number}: "
            found += [e if e.startswith(f"Line {number}") else prefix + e for e in field_errors]
    return found


def _submit(request, page: _Page, action: str) -> HttpResponse:
    tenant = page.tenant
    data = request.POST
    token_value = data.get("token", "")
    try:
        token = form_tokens.read(
            token_value, user=request.user, kind=KIND, scope=token_scope(tenant)
        )
    except ValidationError as error:
        header_form, line_forms = page.bound(data)
        return page.render(
            header_form,
            line_forms,
            _new_token(request, tenant),
            notice=" ".join(error.messages),
        )
    first = PortalOrder.objects.filter(token=token, tenant=tenant).first()
    if first is not None and action == "create":
        return _result(request, page, first, repeated=True)

    header_form, line_forms = page.bound(data)
    valid = header_form.is_valid()
    valid = line_forms.is_valid() and valid
    if valid:
        try:
            _erp_checks(tenant, header_form, line_forms)
        except (errors.BudgetError, errors.RateLimited) as error:
            held = services.held_message(tenant, error)
            return page.render(header_form, line_forms, token_value, held=held)
        except errors.ErpError as error:
            return page.render(
                header_form,
                line_forms,
                token_value,
                erp_error=erp_reading(tenant, error),
                notice="The order could not be checked with the ERP, so nothing was sent.",
            )
        valid = header_form.is_valid() and line_forms.is_valid()
    if not valid:
        return page.render(
            header_form,
            line_forms,
            token_value,
            summary=_summary(header_form, line_forms),
            notice="Nothing was sent. Correct the marked fields.",
        )
    body = command(header_form.cleaned_data, [f.cleaned_data for f in line_forms.forms])
    if action == "preview":
        return page.render(
            header_form,
            line_forms,
            token_value,
            preview=json.dumps(body, indent=2, ensure_ascii=False),
        )
    try:
        result = services.order_create(
            actor=request.user,
            tenant=tenant,
            token=token,
            command=body,
            customer_name=header_form.cleaned_data.get("customer_name") or "",
        )
    except services.OrderHeld as held:
        return page.render(header_form, line_forms, token_value, held=held.message)
    except ValidationError as error:
        for name, field_errors in error.message_dict.items():
            header_form.add_error(name if name in header_form.fields else None, field_errors)
        return page.render(
            header_form, line_forms, token_value, summary=_summary(header_form, line_forms)
        )
    return _result(
        request,
        page,
        result.order,
        repeated=result.repeated,
        error=result.error,
        header_form=header_form,
        line_forms=line_forms,
    )


def _result(
    request,
    page: _Page,
    order: PortalOrder,
    *,
    repeated: bool,
    error: errors.ErpError | None = None,
    header_form=None,
    line_forms=None,
) -> HttpResponse:
    if order.outcome != Outcome.REJECTED:
        if repeated:
            messages.info(
                request, "This form was already sent; this is its result. Nothing was sent again."
            )
        elif order.outcome == Outcome.CREATED:
            messages.success(request, f"Sales order {order} created in the ERP.")
        url = reverse("operations:order_detail", args=[order.pk])
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    # Refused: the form again with every typed value and the ERP's words on the right fields;
    # a fresh token, so that the corrected order can be sent.
    taken = order.erp_status == 409 and bool(order.own_number)
    if header_form is None or line_forms is None or taken:
        data = request.POST
        if taken:
            # The number is someone else's in the ERP: propose the portal's next one.
            data = data.copy()
            data["order_id"] = services.own_number_take(tenant=page.tenant)
        header_form, line_forms = page.bound(data)
        header_form.is_valid()
        line_forms.is_valid()
    placed = place(order.error_codes)
    for name, texts in placed.header.items():
        header_form.add_error(name if name in header_form.fields else None, texts)
    for index, by_field in placed.lines.items():
        if index < len(line_forms.forms):
            form = line_forms.forms[index]
            for name, texts in by_field.items():
                form.add_error(None if name == "__all__" else name, texts)
        else:
            placed.general.extend(t for texts in by_field.values() for t in texts)
    for text in placed.general:
        header_form.add_error(None, text)
    if taken and "order_id" in header_form.fields:
        header_form.add_error(
            "order_id",
            f"Order number {order.own_number} is already taken in the ERP. The form now "
            "proposes the portal's next number; check it and create again.",
        )
    notice = (
        "This form was already sent and the ERP refused it; nothing was sent again."
        if repeated
        else "The ERP refused the order; nothing was created."
    )
    return page.render(
        header_form,
        line_forms,
        _new_token(request, page.tenant),
        summary=placed.summary or [order.outcome_detail],
        notice=notice,
        erp_error=erp_reading(page.tenant, error)
        if error is not None and not placed.summary
        else None,
        refused=order,
    )
